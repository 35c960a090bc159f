/* PHP-FPM pools of the host; see fpm.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "sysconf/fpm.h"
#include "sysconf/ini.h"

static void problem(const struct mw_sysconf_cb *cb, unsigned long line, const char *msg)
{
	if (cb->problem)
		cb->problem(cb->arg, line, msg);
}

/*
 * php-fpm replaces every "$pool" in a value with the pool name (the
 * section header). Returns 0 when the result does not fit.
 */
static int expand_pool(char *dst, size_t dstlen, const char *v, const char *pool)
{
	size_t o = 0, plen = strlen(pool);

	while (*v) {
		if (strncmp(v, "$pool", 5) == 0) {
			if (o + plen >= dstlen)
				return 0;
			memcpy(dst + o, pool, plen);
			o += plen;
			v += 5;
			continue;
		}
		if (o + 1 >= dstlen)
			return 0;
		dst[o++] = *v++;
	}
	dst[o] = '\0';
	return 1;
}

static int on_pool_entry(void *arg, const struct mw_ini_entry *e)
{
	const struct mw_sysconf_cb *cb = arg;
	char name[MW_SYSCONF_MAX_USER];

	/* php-fpm refuses a file with an unterminated quote (reported) */
	if (strcasecmp(e->key, "user") != 0 || e->bad_quote)
		return 0;
	if (!e->section[0])
		problem(cb, e->line, "user outside a [pool] section");
	else if (!e->value_len)
		problem(cb, e->line, "empty user");
	else if (strlen(e->value) != e->value_len)
		problem(cb, e->line, "NUL byte in user");
	else if (strstr(e->value, "${"))
		problem(cb, e->line, "environment variable in user (not resolved)");
	else if (strlen(e->section) >= MW_SYSCONF_MAX_POOL_NAME ||
		 !expand_pool(name, sizeof(name), e->value, e->section))
		problem(cb, e->line, "user name too long");
	else
		cb->user(cb->arg, name, e->line, "user");
	return 0;
}

static void on_pool_problem(void *arg, unsigned long line, const char *what)
{
	problem(arg, line, what);
}

void mw_fpm_parse_pool_users(const char *text, size_t len,
			     const struct mw_sysconf_cb *cb)
{
	mw_ini_parse(text, len, on_pool_entry, on_pool_problem, (void *)cb);
}

/* Pool users of one file, each once, into the list (names with "$" left out). */
static void add_user(void *arg, const char *name, unsigned long line,
		     const char *directive)
{
	struct mw_strlist *users = arg;

	(void)line;
	(void)directive;
	if (!strchr(name, '$') && !mw_strlist_contains(users, name, 0))
		(void)mw_strlist_add(users, name);
}

void mw_sysconf_fpm_pool_users(int rootfd, struct mw_strlist *users)
{
	const struct mw_sysconf_cb cb = { users, add_user, NULL };
	struct dirent *de, *pe;
	int phpfd, lfd, files = 0;
	DIR *d;

	if (mw_open_beneath(rootfd, "etc/php", 1, &phpfd, NULL) != MW_OK)
		return;
	lfd = dup(phpfd);
	d = lfd >= 0 ? fdopendir(lfd) : NULL;
	if (!d) {
		if (lfd >= 0)
			close(lfd);
		close(phpfd);
		return;
	}
	while ((de = readdir(d)) && files < MW_SYSCONF_MAX_FPM_FILES) {
		char sub[NAME_MAX + 16];
		int pfd, plfd;
		DIR *pd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/fpm/pool.d", de->d_name);
		if (mw_open_beneath(phpfd, sub, 1, &pfd, NULL) != MW_OK)
			continue;
		plfd = dup(pfd);
		pd = plfd >= 0 ? fdopendir(plfd) : NULL;
		if (!pd) {
			if (plfd >= 0)
				close(plfd);
			close(pfd);
			continue;
		}
		while ((pe = readdir(pd)) && files < MW_SYSCONF_MAX_FPM_FILES) {
			size_t nl = strlen(pe->d_name);
			struct mw_buf b;

			if (nl < 6 || strcmp(pe->d_name + nl - 5, ".conf") != 0)
				continue;
			files++;
			mw_buf_init(&b, MW_MAX_TEXT_FILE);
			if (mw_read_file_at(pfd, pe->d_name, &b, MW_MAX_TEXT_FILE, NULL, NULL) != MW_OK) {
				mw_buf_free(&b);
				continue;
			}
			mw_fpm_parse_pool_users(b.data ? b.data : "", b.len, &cb);
			mw_buf_free(&b);
		}
		closedir(pd);
		close(pfd);
	}
	closedir(d);
	close(phpfd);
}
