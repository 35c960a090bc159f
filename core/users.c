#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/users.h"

void mw_user_name(uid_t uid, char *dst, size_t len)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(dst, len, "%s", res->pw_name);
	else
		snprintf(dst, len, "%lu", (unsigned long)uid);
}

void mw_group_name(gid_t gid, char *dst, size_t len)
{
	struct group gr, *res = NULL;
	char buf[8192];

	if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) == 0 && res)
		snprintf(dst, len, "%s", res->gr_name);
	else
		snprintf(dst, len, "%lu", (unsigned long)gid);
}

int mw_user_uid(const char *name, uid_t *uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return -1;
	*uid = res->pw_uid;
	return 0;
}
