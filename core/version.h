#ifndef MW_VERSION_H
#define MW_VERSION_H

#define MW_VERSION "0.1.0"

#endif
