/* PHP-FPM pools of the host; see fpm.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "sysconf/fpm.h"

void mw_sysconf_fpm_pool_users(int rootfd, struct mw_strlist *users)
{
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
			struct mw_lines it;
			const char *line;
			size_t len;
			int over;

			if (nl < 6 || strcmp(pe->d_name + nl - 5, ".conf") != 0)
				continue;
			files++;
			mw_buf_init(&b, MW_MAX_TEXT_FILE);
			if (mw_read_file_at(pfd, pe->d_name, &b, MW_MAX_TEXT_FILE, NULL, NULL) != MW_OK) {
				mw_buf_free(&b);
				continue;
			}
			mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
			while (mw_lines_next(&it, &line, &len, &over)) {
				const char *p = line, *end = line + len, *v;

				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				if (end - p < 4 || memcmp(p, "user", 4) != 0)
					continue;
				p += 4;
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				if (p >= end || *p != '=')
					continue;
				p++;
				while (p < end && (*p == ' ' || *p == '\t' || *p == '"'))
					p++;
				v = p;
				while (p < end && *p != ' ' && *p != '\t' && *p != '"' && *p != ';')
					p++;
				if (p > v && (size_t)(p - v) < 64) {
					char name[64];

					memcpy(name, v, (size_t)(p - v));
					name[p - v] = '\0';
					/* $pool expands to the pool's name: not a user. */
					if (name[0] != '$' && !mw_strlist_contains(users, name, 0))
						mw_strlist_add(users, name);
				}
			}
			mw_buf_free(&b);
		}
		closedir(pd);
		close(pfd);
	}
	closedir(d);
	close(phpfd);
}
