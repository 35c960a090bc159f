/*
 * Loading a rule directory and finding the default one.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "signatures/sig.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_rules_suffix(const char *n)
{
	size_t l = strlen(n);

	return l > 6 && strcmp(n + l - 6, ".rules") == 0 && n[0] != '.';
}

enum mw_err mw_sig_load_dir(struct mw_sig_set *s, const char *dir)
{
	struct mw_strlist names = { 0 };
	struct mw_sha256 h;
	struct dirent *de;
	struct mw_buf b;
	char label[MW_SIG_MAX_VALUE];
	enum mw_err e = MW_OK;
	int dfd, fd2, trunc, saved;
	size_t i;
	DIR *d;

	e = mw_open_dir_at(AT_FDCWD, dir, &dfd);
	if (e)
		return MW_ERR_IO;
	fd2 = dup(dfd);
	d = fd2 >= 0 ? fdopendir(fd2) : NULL;
	if (!d) {
		saved = errno;
		if (fd2 >= 0)
			close(fd2);
		close(dfd);
		errno = saved;
		return MW_ERR_IO;
	}
	while ((de = readdir(d)) != NULL)
		if (has_rules_suffix(de->d_name) && mw_strlist_add(&names, de->d_name)) {
			e = MW_ERR_NOMEM;
			break;
		}
	closedir(d);
	if (e)
		goto out;
	if (names.n == 0) {
		errno = ENOENT;
		e = MW_ERR_IO;
		goto out;
	}
	qsort(names.v, names.n, sizeof(char *), cmp_str);
	mw_sha256_init(&h);
	for (i = 0; i < names.n; i++) {
		snprintf(label, sizeof(label), "%s/%s", dir, names.v[i]);
		mw_buf_init(&b, MW_SIG_MAX_RULE_FILE);
		e = mw_read_file_at(dfd, names.v[i], &b, MW_SIG_MAX_RULE_FILE,
				    &trunc, NULL);
		if (e == MW_ERR_NOMEM) {
			mw_buf_free(&b);
			goto out;
		}
		if (e || trunc) {
			mw_sig_set_error(s, label, 0, "%s",
					 e ? strerror(errno) : "file too large");
			mw_buf_free(&b);
			e = MW_OK;
			continue;
		}
		mw_sha256_update(&h, names.v[i], strlen(names.v[i]) + 1);
		mw_sha256_update(&h, b.data ? b.data : "", b.len);
		e = mw_sig_parse(s, label, b.data ? b.data : "", b.len);
		mw_buf_free(&b);
		if (e)
			goto out;
	}
	mw_sha256_final(&h, s->version);
	s->have_version = 1;
out:
	mw_strlist_clear(&names);
	close(dfd);
	return e;
}

enum mw_err mw_sig_open(const char *dir, const char *cache_dir,
			struct mw_sig_set *set, struct mw_sig_db **db,
			struct mw_strlist *notes, char *err, size_t errlen)
{
	enum mw_err e;

	*db = NULL;
	e = mw_sig_load_dir(set, dir);
	if (e == MW_ERR_IO) {
		snprintf(err, errlen, "%s: cannot read rule files: %s", dir,
			 strerror(errno));
		return e;
	}
	if (e) {
		snprintf(err, errlen, "%s", mw_strerror(e));
		return e;
	}
	(void)mw_sig_lint(set);
	return mw_sig_compile(set, db, cache_dir, notes, err, errlen);
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int mw_sig_default_dir(const char *cfg_dir, const char *opt, char *dst,
		       size_t dstlen)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	/* An explicit command-line choice beats the configuration file. */
	if (opt && *opt) {
		snprintf(dst, dstlen, "%s", opt);
		return 0;
	}
	if (cfg_dir && *cfg_dir) {
		snprintf(dst, dstlen, "%s", cfg_dir);
		return 0;
	}
#ifdef MW_DATADIR
	if (is_dir(MW_DATADIR "/signatures")) {
		snprintf(dst, dstlen, "%s", MW_DATADIR "/signatures");
		return 0;
	}
#endif
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			slash[1] = '\0';
			/* ./mailwarden in the tree, or build/<x>/mailwarden */
			static const char *const rel[] = {
				"signatures", "../../signatures",
			};
			size_t i;

			for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				if ((size_t)snprintf(dst, dstlen, "%s%s", exe, rel[i]) < dstlen &&
				    is_dir(dst))
					return 0;
			}
		}
	}
	dst[0] = '\0';
	return -1;
}

const char *mw_sig_default_remediation(const char *family)
{
	if (!family)
		return "Review the file; quarantine it if it is not yours.";
	if (strncmp(family, "mailer/", 7) == 0)
		return "Quarantine the file (mailwarden scan --quarantine), check the mail "
		       "queue and logs for what it sent, then find and close the upload hole.";
	if (strncmp(family, "webshell/", 9) == 0)
		return "Quarantine the file, treat the site as compromised: look for other "
		       "dropped files, rotate credentials, patch the entry point.";
	if (strncmp(family, "dropper/", 8) == 0 || strncmp(family, "backdoor/", 9) == 0)
		return "Quarantine the file and look for what it fetched or wrote; "
		       "rotate credentials of the site.";
	return "Review the obfuscated code; quarantine it if it is not part of the application.";
}
