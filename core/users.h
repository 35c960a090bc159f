#ifndef MW_USERS_H
#define MW_USERS_H

#include <stddef.h>
#include <sys/types.h>

/* Name of uid/gid into dst (the number when unknown). Thread-safe. */
void mw_user_name(uid_t uid, char *dst, size_t len);
void mw_group_name(gid_t gid, char *dst, size_t len);
/* uid of a user name, -1 when unknown. Thread-safe. */
int mw_user_uid(const char *name, uid_t *uid);

#endif
