#define _GNU_SOURCE
#include <string.h>

#include "core/ascii.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "firewall/fw_limits.h"
#include "firewall/fw_parse.h"
#include "sysconf/webconf.h"

static void problem(const struct mw_sysconf_cb *cb, unsigned long line, const char *msg)
{
	if (cb->problem)
		cb->problem(cb->arg, line, msg);
}

static void trim(const char **s, size_t *n)
{
	while (*n && mw_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && mw_blank((*s)[*n - 1]))
		(*n)--;
}

/* Copy s[0..n) into dst as a C string; 0 when it does not fit or holds a NUL. */
static int copy_name(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (n >= dstlen || memchr(s, '\0', n))
		return 0;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 1;
}

/* The users' directives, spelled as reported to the callback. */
static const char *const apache_users[] = {
	"SuexecUserGroup", "AssignUserID", "User", NULL
};
static const char *const nginx_users[] = { "user", NULL };

static void on_apache_user(void *arg, const char *name, const char *v, size_t vn,
			   unsigned long line, unsigned depth)
{
	const struct mw_sysconf_cb *cb = arg;
	char user[FW_MAX_USER_NAME];

	(void)depth;
	if (!v || !vn)
		problem(cb, line, "directive without a user");
	else if (!copy_name(user, sizeof(user), v, vn))
		problem(cb, line, "user name too long");
	else
		cb->user(cb->arg, user, line, name);
}

static void on_problem(void *arg, unsigned long line, const char *msg)
{
	problem(arg, line, msg);
}

void mw_fw_parse_apache(const char *text, size_t len, const struct mw_sysconf_cb *cb)
{
	const struct mw_webconf_cb wcb = { (void *)cb, on_apache_user, on_problem };

	mw_apache_conf_parse(text, len, apache_users, &wcb);
}

int mw_fw_parse_apache_envvars(const char *text, size_t len, const char *var,
			    char *out, size_t outlen)
{
	size_t vlen = strlen(var), n, vn;
	struct mw_lines it;
	const char *line, *v;
	int overlong, found = 0;

	if (!outlen)
		return 0;
	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		if (overlong)
			continue;
		trim(&line, &n);
		if (n > 7 && strncmp(line, "export", 6) == 0 && mw_blank(line[6])) {
			line += 7;
			n -= 7;
			trim(&line, &n);
		}
		if (n <= vlen || strncmp(line, var, vlen) != 0 || line[vlen] != '=')
			continue;
		v = line + vlen + 1;
		vn = n - vlen - 1;
		if (vn && (*v == '"' || *v == '\'')) {
			const char *q = memchr(v + 1, *v, vn - 1);

			if (!q)
				continue;
			vn = (size_t)(q - v - 1);
			v++;
		} else {
			const char *c = v;

			while (c < v + vn && !mw_blank(*c))
				c++;
			vn = (size_t)(c - v);
		}
		if (!vn || memchr(v, '$', vn) || memchr(v, '`', vn))
			continue;
		if (copy_name(out, outlen, v, vn))
			found = 1;
	}
	return found;
}

/* nginx's "user" counts in the main context only. */
static void on_nginx_user(void *arg, const char *name, const char *v, size_t vn,
			  unsigned long line, unsigned depth)
{
	const struct mw_sysconf_cb *cb = arg;
	char user[FW_MAX_USER_NAME];

	if (depth)
		return;
	if (!vn || !copy_name(user, sizeof(user), v, vn))
		problem(cb, line, "bad user name");
	else
		cb->user(cb->arg, user, line, name);
}

void mw_fw_parse_nginx(const char *text, size_t len, const struct mw_sysconf_cb *cb)
{
	const struct mw_webconf_cb wcb = { (void *)cb, on_nginx_user, on_problem };

	mw_nginx_conf_parse(text, len, nginx_users, &wcb);
}
