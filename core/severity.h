#ifndef MW_SEVERITY_H
#define MW_SEVERITY_H

enum mw_severity {
	MW_SEV_INFO = 0,
	MW_SEV_LOW,
	MW_SEV_MEDIUM,
	MW_SEV_HIGH,
	MW_SEV_CRITICAL,
	MW_SEV__COUNT
};

/* "info", "low", ... */
const char *mw_severity_name(enum mw_severity s);
/* Parse a severity name (case-insensitive); returns -1 when unknown. */
int mw_severity_parse(const char *s);

#endif
