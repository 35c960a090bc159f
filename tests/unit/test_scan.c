/* Web-root scan: walker, classification, quarantine, cache, docroots. */
#define _GNU_SOURCE
#include "tests/unit/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <magic.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "core/safefile.h"
#include "core/sha256.h"
#include "scanner/webroot/cache.h"
#include "scanner/webroot/classify.h"
#include "scanner/webroot/docroots.h"
#include "scanner/webroot/quarantine.h"
#include "scanner/webroot/walk.h"

struct seen {
	pthread_mutex_t lock;
	struct mw_strlist files, symlinks, errors, other;
	int open_errors;
};

static void seen_file(void *ud, void *ts, const struct mw_walk_file *f)
{
	struct seen *s = ud;
	struct stat st;
	int fd;

	(void)ts;
	pthread_mutex_lock(&s->lock);
	(void)mw_strlist_add(&s->files, f->path);
	if (mw_open_regular_at(f->dirfd, f->name, &fd, &st) == MW_OK)
		close(fd);
	else
		s->open_errors++;
	pthread_mutex_unlock(&s->lock);
}

static void seen_event(void *ud, enum mw_walk_event ev, const char *path,
		       int err, const char *detail)
{
	struct seen *s = ud;

	(void)err;
	(void)detail;
	pthread_mutex_lock(&s->lock);
	if (ev == MW_WALK_SYMLINK)
		(void)mw_strlist_add(&s->symlinks, path);
	else if (ev == MW_WALK_ERROR)
		(void)mw_strlist_add(&s->errors, path);
	else
		(void)mw_strlist_add(&s->other, path);
	pthread_mutex_unlock(&s->lock);
}

static const struct mw_walk_ops seen_ops = { NULL, NULL, seen_file, seen_event };

static void seen_init(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
}

static void seen_free(struct seen *s)
{
	mw_strlist_clear(&s->files);
	mw_strlist_clear(&s->symlinks);
	mw_strlist_clear(&s->errors);
	mw_strlist_clear(&s->other);
	pthread_mutex_destroy(&s->lock);
}

static int has_suffix(const struct mw_strlist *l, const char *suffix)
{
	size_t i, n = strlen(suffix);

	for (i = 0; i < l->n; i++) {
		size_t m = strlen(l->v[i]);

		if (m >= n && strcmp(l->v[i] + m - n, suffix) == 0)
			return 1;
	}
	return 0;
}

static void mkfile(const char *dir, const char *name, const char *data)
{
	char p[8192];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	write_file(p, data, strlen(data));
}

static void test_walk_tree(void **state)
{
	char *top = make_tmpdir();
	char p[8192], deep[8192];
	struct mw_walk_opts o = { 0 };
	struct mw_walk_stats st;
	struct seen s;
	const char *roots[1];
	int i;

	(void)state;
	snprintf(p, sizeof(p), "%s/site", top);
	assert_int_equal(mkdir(p, 0755), 0);
	mkfile(p, "index.php", "<?php echo 1;");
	mkfile(p, "\xff\xfe-latin1.php", "x");		/* not UTF-8 */
	mkfile(p, "new\nline.php", "x");		/* newline in the name */
	snprintf(p, sizeof(p), "%s/site/empty", top);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/site/loop", top);
	assert_int_equal(symlink("..", p), 0);
	snprintf(p, sizeof(p), "%s/site/etc", top);
	assert_int_equal(symlink("/etc", p), 0);
	snprintf(p, sizeof(p), "%s/site/passwd.php", top);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	/* 200 levels deep */
	snprintf(deep, sizeof(deep), "%s/site", top);
	for (i = 0; i < 200; i++) {
		size_t l = strlen(deep);

		snprintf(deep + l, sizeof(deep) - l, "/d");
		assert_int_equal(mkdir(deep, 0755), 0);
	}
	mkfile(deep, "bottom.php", "<?php mail($a);");

	seen_init(&s);
	roots[0] = top;
	o.threads = 2;
	assert_int_equal(mw_walk(roots, 1, &o, &seen_ops, &s, &st), MW_OK);
	assert_int_equal(st.files, 4);
	assert_int_equal(s.files.n, 4);
	assert_int_equal(s.open_errors, 0);
	assert_true(has_suffix(&s.files, "/site/index.php"));
	assert_true(has_suffix(&s.files, "/site/\xff\xfe-latin1.php"));
	assert_true(has_suffix(&s.files, "/site/new\nline.php"));
	assert_true(has_suffix(&s.files, "/d/d/d/bottom.php"));
	/* symlinks reported, never followed: nothing from /etc */
	assert_int_equal(st.symlinks, 3);
	assert_true(has_suffix(&s.symlinks, "/site/loop"));
	assert_true(has_suffix(&s.symlinks, "/site/etc"));
	assert_true(has_suffix(&s.symlinks, "/site/passwd.php"));
	assert_false(has_suffix(&s.files, "/shadow"));
	assert_false(has_suffix(&s.files, "passwd"));
	/* top, site, empty and 200 nested */
	assert_int_equal(st.dirs, 203);
	assert_int_equal(st.errors, 0);
	seen_free(&s);

	/* exclusion by path and by glob */
	{
		struct mw_strlist ex = { 0 };

		snprintf(p, sizeof(p), "%s/site/d", top);
		(void)mw_strlist_add(&ex, p);
		(void)mw_strlist_add(&ex, "*/index.php");
		o.exclude = &ex;
		seen_init(&s);
		assert_int_equal(mw_walk(roots, 1, &o, &seen_ops, &s, &st), MW_OK);
		assert_int_equal(st.files, 2);
		assert_int_equal(st.excluded, 2);
		assert_false(has_suffix(&s.files, "bottom.php"));
		seen_free(&s);
		mw_strlist_clear(&ex);
		o.exclude = NULL;
	}

	/* a file as root, a missing root */
	{
		const char *r2[2];

		snprintf(p, sizeof(p), "%s/site/index.php", top);
		r2[0] = p;
		r2[1] = "/nonexistent/mailwarden-root";
		seen_init(&s);
		assert_int_equal(mw_walk(r2, 2, &o, &seen_ops, &s, &st), MW_OK);
		assert_int_equal(s.files.n, 1);
		assert_string_equal(s.files.v[0], p);
		assert_int_equal(s.open_errors, 0);
		assert_int_equal(s.errors.n, 1);
		seen_free(&s);
	}
	rm_rf(top);
	free(top);
}

/*
 * Unreadable entries: tests run as root, which reads mode-000 files, so
 * the walk runs in a child that dropped to nobody.
 */
static void test_walk_unreadable(void **state)
{
	char *top = make_tmpdir();
	char p[4096];
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(chmod(top, 0755), 0);
	mkfile(top, "ok.php", "x");
	mkfile(top, "secret.php", "x");
	snprintf(p, sizeof(p), "%s/secret.php", top);
	assert_int_equal(chmod(p, 0), 0);
	snprintf(p, sizeof(p), "%s/closed", top);
	assert_int_equal(mkdir(p, 0), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct mw_walk_opts o = { 0 };
		struct mw_walk_stats st;
		struct seen s;
		const char *roots[1] = { top };

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
		seen_init(&s);
		o.threads = 1;
		if (mw_walk(roots, 1, &o, &seen_ops, &s, &st) != MW_OK)
			_exit(101);
		/* the mode-000 file cannot be opened, the dir not read */
		if (s.files.n != 2 || s.open_errors != 1 || s.errors.n != 1 ||
		    !has_suffix(&s.errors, "/closed"))
			_exit(102);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	rm_rf(top);
	free(top);
}

static void test_classify(void **state)
{
	enum mw_php_class k;
	int full;
	static const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00<?php mail($_POST['a']);";
	static const char jpg[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00<?PHP eval($x);";

	(void)state;
	assert_true(mw_php_name("a.php"));
	assert_true(mw_php_name("A.PHP5"));
	assert_true(mw_php_name("x.phtml"));
	assert_true(mw_php_name("lib.inc"));
	assert_true(mw_php_name("shell.php.jpg"));
	assert_false(mw_php_name("photo.jpg"));
	assert_false(mw_php_name("php"));
	assert_false(mw_php_name("notes.phpx"));
	assert_true(mw_php_name("a.b.PhTmL.png"));
	assert_true(mw_php_name("x.tar.PHAR"));
	assert_false(mw_php_name("a.phpx.jpg"));
	assert_false(mw_php_name("a.php_old"));
	assert_false(mw_php_name("noext"));

	assert_int_equal(mw_php_classify("logo.gif", gif, sizeof(gif) - 1), MW_PHP_TAG);
	assert_int_equal(mw_php_tag(gif, sizeof(gif) - 1, &k, &full), 13);
	assert_true(full);
	assert_int_equal(mw_php_classify("me.jpg", jpg, sizeof(jpg) - 1), MW_PHP_TAG);
	assert_int_equal(mw_php_classify("t.html", "<p><?= $x ?></p>", 16), MW_PHP_TAG);
	assert_int_equal(mw_php_tag("<?= 1", 5, &k, &full), 0);
	assert_false(full);
	assert_int_equal(mw_php_classify("old.htm",
		"<html><SCRIPT LANGUAGE = 'php'> echo 1; </script>", 49),
		MW_PHP_SCRIPT_TAG);
	/* binary content: the script form is not looked for */
	assert_int_equal(mw_php_classify("x.bin",
		"\0\0<script language=php>", 25), MW_PHP_NO);
	/* a tag across the SIMD block edge and at the very end */
	{
		char b[64];

		memset(b, 'x', sizeof(b));
		memcpy(b + 15, "<?php", 5);
		assert_int_equal(mw_php_tag(b, sizeof(b), &k, &full), 15);
		memset(b, 'x', sizeof(b));
		memcpy(b + 59, "<?php", 5);
		assert_int_equal(mw_php_tag(b, sizeof(b), &k, &full), 59);
		memcpy(b + 59, "<?xml", 5);
		assert_int_equal(mw_php_tag(b, sizeof(b), &k, &full), -1);
		memset(b, 0, sizeof(b));
		memcpy(b + 30, "<?=x", 4);
		assert_int_equal(mw_php_tag_ex(b, sizeof(b), 0, &k, &full), -1);
		memcpy(b + 30, "<?=$x", 5);
		assert_int_equal(mw_php_tag_ex(b, sizeof(b), 0, &k, &full), 30);
	}
	/* every place in and around the 16- and 32-byte blocks, with a
	 * near miss ("<x", "?") before it */
	{
		char b[160];
		long at;

		for (at = 0; at + 5 <= (long)sizeof(b); at++) {
			memset(b, 'x', sizeof(b));
			if (at >= 3)
				memcpy(b + at - 3, "<x?", 3);
			memcpy(b + at, "<?php", 5);
			if (mw_php_tag(b, sizeof(b), &k, &full) != at)
				fail_msg("tag at %ld found at %ld", at, mw_php_tag(b, sizeof(b), &k, &full));
			memcpy(b + at, "<ScRi", 5);
			assert_int_equal(mw_php_tag_ex(b, (size_t)at + 5, 1, &k, &full), -1);
		}
	}
	assert_int_equal(mw_php_classify("old.htm",
		"<html><script language = 'PHP'> echo 1; </script>", 49),
		MW_PHP_SCRIPT_TAG);
	assert_int_equal(mw_php_classify("a.js", "<script src=x.js></script>", 26),
			 MW_PHP_NO);
	assert_int_equal(mw_php_classify("feed.xml", "<?xml version=\"1.0\"?><a/>", 25),
			 MW_PHP_NO);
	assert_int_equal(mw_php_classify("a.txt", "what? <? no", 11), MW_PHP_NO);
	assert_int_equal(mw_php_classify("a.txt", "<", 1), MW_PHP_NO);
	assert_int_equal(mw_php_classify("a.txt", "<?ph", 4), MW_PHP_NO);
}

/* libmagic as the oracle for mw_media_hint(): every file it calls media
 * must be flagged (a miss would hide "PHP inside an image"). */
static magic_t hint_magic;
static unsigned hint_media, hint_files;

static int hint_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	char buf[16384];
	const char *m;
	ssize_t n;
	int fd;

	(void)st;
	(void)ftw;
	if (type != FTW_F || hint_files >= 3000)
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return 0;
	hint_files++;
	m = magic_buffer(hint_magic, buf, (size_t)n);
	if (m && (!strncmp(m, "image/", 6) || !strncmp(m, "audio/", 6) ||
		  !strncmp(m, "video/", 6) || !strcmp(m, "application/pdf") ||
		  !strcmp(m, "application/zip") || !strcmp(m, "application/gzip"))) {
		hint_media++;
		if (!mw_media_hint(buf, (size_t)n))
			fail_msg("%s is %s to libmagic but not a media hint", path, m);
	}
	return 0;
}

static void test_media_hint(void **state)
{
	static const char *const dirs[] = {
		"/usr/share/wordpress/wp-includes", "/usr/share/wordpress/wp-admin/images",
		"/usr/share/phpmyadmin/themes", "/usr/share/roundcube/skins",
		"/usr/share/mediawiki/resources", "/usr/share/pixmaps", "/usr/share/icons",
		"tests/samples",
	};
	static const char gif_text[] = "GIF89a;<?php system($_GET['c']); ?>";
	static const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><?php echo 1; ?></svg>";
	static const char *const text[] = {
		"#!/bin/sh\nphp -r '<?php echo 1;'\n",
		"# Install\n\n```php\n<?php require 'vendor/autoload.php';\n```\n",
		"/* jQuery plugin */\nvar t = '<?php echo $x ?>';\n",
		"<?php\n// a PHP file without a PHP name\necho 1;\n",
	};
	size_t i;

	(void)state;
	assert_true(mw_media_hint(gif_text, sizeof(gif_text) - 1));
	assert_true(mw_media_hint(svg, sizeof(svg) - 1));
	assert_true(mw_media_hint("\x89PNG\r\n\x1a\n", 8));
	assert_true(mw_media_hint("....ftypisom", 12));
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		assert_false(mw_media_hint(text[i], strlen(text[i])));

	hint_magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
				MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF);
	assert_non_null(hint_magic);
	assert_int_equal(magic_load(hint_magic, NULL), 0);
	/* what libmagic makes of the synthetic cases, too */
	assert_string_equal(magic_buffer(hint_magic, gif_text, sizeof(gif_text) - 1),
			    "image/gif");
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		(void)nftw(dirs[i], hint_one, 16, FTW_PHYS);
	magic_close(hint_magic);
	print_message("media hint: %u of %u files are media to libmagic\n", hint_media, hint_files);
	/* the images Debian's PHP apps ship (installed for make check) */
	if (hint_media < 50)
		fail_msg("only %u media files among %u: is wordpress installed?",
			 hint_media, hint_files);
}

static void stat_of(const char *p, struct stat *st)
{
	assert_int_equal(lstat(p, st), 0);
}

static void test_quarantine_roundtrip(void **state)
{
	char *top = make_tmpdir();
	char qdir[4096], victim[4096], err[1024], sha[65], stored[4200];
	static const char body[] = "<?php mail($_POST['to'], 'x', 'y'); \x01\xff\n";
	struct timespec times[2] = { { 1600000000, 123456789 }, { 1500000000, 987654321 } };
	struct mw_quarantine *q;
	struct mw_quarantine_item *items;
	struct stat st, st2;
	long long id, id2;
	size_t n, len;
	char *back;

	(void)state;
	snprintf(qdir, sizeof(qdir), "%s/q/quarantine", top);
	snprintf(victim, sizeof(victim), "%s/site", top);
	assert_int_equal(mkdir(victim, 0755), 0);
	snprintf(victim, sizeof(victim), "%s/site/mailer.php", top);
	write_file(victim, body, sizeof(body) - 1);
	assert_int_equal(chown(victim, 1234, 5678), 0);
	assert_int_equal(chmod(victim, 04751), 0);
	assert_int_equal(utimensat(AT_FDCWD, victim, times, 0), 0);
	stat_of(victim, &st);
	mw_sha256_hex(body, sizeof(body) - 1, sha);

	assert_int_equal(mw_quarantine_open(qdir, &q, err, sizeof(err)), MW_OK);
	stat_of(qdir, &st2);
	assert_int_equal(st2.st_mode & 07777, 0700);
	/* wrong inode: refused */
	assert_int_not_equal(mw_quarantine_file(q, victim, st.st_dev, st.st_ino + 1,
						sha, 0, "r.one", &id, err, sizeof(err)), MW_OK);
	assert_non_null(strstr(err, "replaced"));
	assert_int_equal(mw_quarantine_file(q, victim, st.st_dev, st.st_ino, sha, 0,
					    "r.one,r.two", &id, err, sizeof(err)), MW_OK);
	assert_true(id > 0);
	assert_int_equal(access(victim, F_OK), -1);
	snprintf(stored, sizeof(stored), "%s/%lld.q", qdir, id);
	stat_of(stored, &st2);
	assert_int_equal(st2.st_mode & 07777, 0400);	/* nothing executable */
	assert_int_equal(st2.st_uid, 0);

	assert_int_equal(mw_quarantine_list(q, &items, &n), MW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].path, victim);
	assert_string_equal(items[0].rules, "r.one,r.two");
	assert_string_equal(items[0].state, "quarantined");
	assert_string_equal(items[0].sha256, sha);
	assert_int_equal(items[0].uid, 1234);
	mw_quarantine_items_free(items, n);

	/* a file reappeared at the original path: not overwritten */
	write_file(victim, "new", 3);
	assert_int_not_equal(mw_quarantine_restore(q, id, err, sizeof(err)), MW_OK);
	assert_non_null(strstr(err, "exists again"));
	back = slurp(victim, &len);
	assert_int_equal(len, 3);
	free(back);
	assert_int_equal(unlink(victim), 0);

	/* restore: byte-identical, owner, mode (with set-uid), mtime */
	assert_int_equal(mw_quarantine_restore(q, id, err, sizeof(err)), MW_OK);
	back = slurp(victim, &len);
	assert_int_equal(len, sizeof(body) - 1);
	assert_memory_equal(back, body, len);
	free(back);
	stat_of(victim, &st2);
	assert_int_equal(st2.st_uid, 1234);
	assert_int_equal(st2.st_gid, 5678);
	assert_int_equal(st2.st_mode & 07777, 04751);
	assert_int_equal(st2.st_mtim.tv_sec, 1500000000);
	assert_int_equal(st2.st_mtim.tv_nsec, 987654321);
	assert_int_equal(access(stored, F_OK), -1);
	/* twice: nothing to restore */
	assert_int_not_equal(mw_quarantine_restore(q, id, err, sizeof(err)), MW_OK);

	/* quarantine again, then purge */
	stat_of(victim, &st);
	assert_int_equal(mw_quarantine_file(q, victim, st.st_dev, st.st_ino, sha, 0,
					    "r.one", &id2, err, sizeof(err)), MW_OK);
	assert_true(id2 > id);
	assert_int_equal(mw_quarantine_purge(q, id2, err, sizeof(err)), MW_OK);
	snprintf(stored, sizeof(stored), "%s/%lld.q", qdir, id2);
	assert_int_equal(access(stored, F_OK), -1);
	assert_int_not_equal(mw_quarantine_restore(q, id2, err, sizeof(err)), MW_OK);
	mw_quarantine_close(q);
	rm_rf(top);
	free(top);
}

/* Across filesystems (/dev/shm is tmpfs here): copy + fsync + verify. */
static void test_quarantine_cross_fs(void **state)
{
	char shm[] = "/dev/shm/mw-test-XXXXXX";
	char *top = make_tmpdir();
	char qdir[4096], victim[4096], err[1024], sha[65];
	struct stat st, st2, sq;
	struct mw_quarantine *q;
	long long id;
	size_t len;
	char *back;

	(void)state;
	if (!mkdtemp(shm)) {
		skip();
		return;
	}
	snprintf(qdir, sizeof(qdir), "%s/quarantine", top);
	snprintf(victim, sizeof(victim), "%s/x.php", shm);
	write_file(victim, "<?php eval($_POST[1]);", 22);
	assert_int_equal(chmod(victim, 0640), 0);
	stat_of(victim, &st);
	stat_of(top, &sq);
	if (st.st_dev == sq.st_dev) {
		rm_rf(shm);
		rm_rf(top);
		free(top);
		skip();
		return;
	}
	mw_sha256_hex("<?php eval($_POST[1]);", 22, sha);
	assert_int_equal(mw_quarantine_open(qdir, &q, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_quarantine_file(q, victim, st.st_dev, st.st_ino, sha, 0,
					    "r", &id, err, sizeof(err)), MW_OK);
	assert_int_equal(access(victim, F_OK), -1);
	assert_int_equal(mw_quarantine_restore(q, id, err, sizeof(err)), MW_OK);
	back = slurp(victim, &len);
	assert_int_equal(len, 22);
	assert_memory_equal(back, "<?php eval($_POST[1]);", 22);
	free(back);
	stat_of(victim, &st2);
	assert_int_equal(st2.st_mode & 07777, 0640);
	assert_int_equal(st2.st_mtim.tv_sec, st.st_mtim.tv_sec);
	mw_quarantine_close(q);
	rm_rf(shm);
	rm_rf(top);
	free(top);
}

static void test_cache(void **state)
{
	char *top = make_tmpdir();
	char path[4096], err[512];
	struct mw_scan_cache *c;
	const char *note, *fj, *sha;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/f.php", top);
	write_file(path, "x", 1);
	stat_of(path, &st);

	assert_int_equal(mw_cache_open(top, "v1", &c, &note, err, sizeof(err)), MW_OK);
	assert_null(note);
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 0);
	assert_int_equal(mw_cache_put(c, &st, "ab", "[{\"rule_id\":\"x\"}]"), MW_OK);
	assert_int_equal(mw_cache_close(c, err, sizeof(err)), MW_OK);

	assert_int_equal(mw_cache_open(top, "v1", &c, &note, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cache_loaded(c), 1);
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 1);
	assert_string_equal(fj, "[{\"rule_id\":\"x\"}]");
	/* a changed file misses */
	st.st_size++;
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 0);
	st.st_size--;
	assert_int_equal(mw_cache_close(c, err, sizeof(err)), MW_OK);

	/* another signature set: cleared with a note */
	assert_int_equal(mw_cache_open(top, "v2", &c, &note, err, sizeof(err)), MW_OK);
	assert_non_null(note);
	assert_non_null(strstr(note, "signature set changed"));
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 0);
	assert_int_equal(mw_cache_close(c, err, sizeof(err)), MW_OK);

	/* garbage instead of a database: note, fresh start, no crash */
	snprintf(path, sizeof(path), "%s/%s", top, MW_CACHE_FILE);
	write_file(path, "this is not an SQLite database at all, just junk bytes......"
		   "................................................................", 124);
	assert_int_equal(mw_cache_open(top, "v2", &c, &note, err, sizeof(err)), MW_OK);
	assert_non_null(note);
	assert_non_null(strstr(note, "starting fresh"));
	assert_int_equal(mw_cache_loaded(c), 0);
	assert_int_equal(mw_cache_close(c, err, sizeof(err)), MW_OK);
	rm_rf(top);
	free(top);
}

/* A one-shot scan's cache writes its rows in batches as they come: two
 * batches and a rest, all on disk after close, the findings with them. */
static void test_cache_stream(void **state)
{
	char *top = make_tmpdir();
	char err[512];
	struct mw_scan_cache *c;
	const char *note, *fj, *sha;
	struct stat st;
	unsigned long i, n = 2 * MW_CACHE_BATCH + 7;
	static const char sha5[] =
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	(void)state;
	memset(&st, 0, sizeof(st));
	st.st_dev = 42;
	st.st_size = 10;
	st.st_mode = S_IFREG | 0644;
	assert_int_equal(mw_cache_open(top, "v1", &c, &note, err, sizeof(err)), MW_OK);
	mw_cache_stream(c);
	for (i = 1; i <= n; i++) {
		st.st_ino = (ino_t)i;
		assert_int_equal(mw_cache_put(c, &st, i == 5 ? sha5 : NULL,
					      i == 5 ? "[{\"rule_id\":\"x\"}]" : NULL), MW_OK);
	}
	/* the first two batches are on disk already, the rest at close */
	assert_int_equal(mw_cache_written(c), 2 * MW_CACHE_BATCH);
	assert_int_equal(mw_cache_close(c, err, sizeof(err)), MW_OK);

	assert_int_equal(mw_cache_open(top, "v1", &c, &note, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cache_loaded(c), n);
	st.st_ino = 5;
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 1);
	assert_string_equal(fj, "[{\"rule_id\":\"x\"}]");
	assert_string_equal(sha, sha5);
	st.st_ino = (ino_t)n;
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 1);
	assert_null(fj);
	st.st_ino = (ino_t)n + 1;
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 0);
	assert_int_equal(mw_cache_close(c, err, sizeof(err)), MW_OK);
	rm_rf(top);
	free(top);
}

static void test_docroots(void **state)
{
	char *top = make_tmpdir();
	char p[4096];
	struct mw_strlist roots = { 0 }, why = { 0 }, skipped = { 0 }, out = { 0 },
			  out_why = { 0 };
	static const char *const dirs[] = {
		"/etc", "/etc/apache2", "/etc/apache2/sites-enabled", "/etc/nginx",
		"/etc/nginx/sites-enabled", "/etc/php", "/etc/php/8.2",
		"/etc/php/8.2/fpm", "/etc/php/8.2/fpm/pool.d", "/srv", "/srv/a",
		"/srv/b", "/srv/pool", "/var", "/var/www", "/var/www/html", "/home",
		"/home/u", "/home/u/public_html", "/home/v", "/elsewhere",
		"/home/w", "/home/w/sites", "/home/w/sites/one", "/home/x",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", top, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	snprintf(p, sizeof(p), "%s/etc/apache2/sites-enabled", top);
	mkfile(p, "a.conf", "<VirtualHost *:80>\n  DocumentRoot \"/srv/a\"\n"
	       "  DocumentRoot /var/www/html\n  DocumentRoot /missing\n</VirtualHost>\n");
	snprintf(p, sizeof(p), "%s/etc/nginx/sites-enabled", top);
	mkfile(p, "b", "server {\n  root /srv/b;\n  root $document_root;\n}\n");
	snprintf(p, sizeof(p), "%s/etc/php/8.2/fpm/pool.d", top);
	mkfile(p, "site.conf", "[site]\nuser = siteuser\nchdir = /srv/pool\n");
	snprintf(p, sizeof(p), "%s/home/v/public_html", top);
	assert_int_equal(symlink("/etc", p), 0);
	/* inside the home: scanned (relative and image-absolute targets) */
	snprintf(p, sizeof(p), "%s/home/w/public_html", top);
	assert_int_equal(symlink("sites/one", p), 0);
	snprintf(p, sizeof(p), "%s/home/x/public_html", top);
	assert_int_equal(symlink("/home/w/sites", p), 0);	/* another home */

	assert_int_equal(mw_docroots_detect(top, &roots, &why, &skipped, &out, &out_why), MW_OK);
	/* /srv/a, /srv/b, /srv/pool, /var/www (html folded), /home/u/public_html,
	 * /home/w/sites/one (through /home/w/public_html) */
	assert_int_equal(roots.n, 6);
	assert_int_equal(why.n, 6);
	for (i = 0; i < roots.n; i++) {
		if (strstr(roots.v[i], "/srv/a")) {
			assert_non_null(strstr(why.v[i], "apache: DocumentRoot in "
					       "/etc/apache2/sites-enabled/a.conf line 2"));
		} else if (strstr(roots.v[i], "/srv/b")) {
			assert_non_null(strstr(why.v[i], "nginx: root"));
		} else if (strstr(roots.v[i], "/srv/pool")) {
			assert_non_null(strstr(why.v[i], "pool user siteuser"));
		} else if (strstr(roots.v[i], "/var/www")) {
			assert_false(strstr(roots.v[i], "/html") != NULL);
		} else if (strstr(roots.v[i], "/home/w/sites/one")) {
			assert_non_null(strstr(why.v[i], "/home/w/public_html is a "
					       "symbolic link to it"));
		} else {
			assert_non_null(strstr(roots.v[i], "/home/u/public_html"));
		}
	}
	assert_true(has_suffix(&skipped, "(apache: DocumentRoot in /etc/apache2/"
			       "sites-enabled/a.conf line 4)"));
	/* out of the home, or into another one: reported, not scanned */
	assert_int_equal(out.n, 2);
	assert_int_equal(out_why.n, 2);
	for (i = 0; i < out.n; i++) {
		if (strstr(out.v[i], "/home/v/public_html"))
			assert_non_null(strstr(out_why.v[i], "symbolic link to /etc, outside "
					       "/home/v"));
		else
			assert_non_null(strstr(out.v[i], "/home/x/public_html"));
	}
	mw_strlist_clear(&out);
	mw_strlist_clear(&out_why);
	mw_strlist_clear(&roots);
	mw_strlist_clear(&why);
	mw_strlist_clear(&skipped);
	rm_rf(top);
	free(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_tree),
		cmocka_unit_test(test_walk_unreadable),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_media_hint),
		cmocka_unit_test(test_quarantine_roundtrip),
		cmocka_unit_test(test_quarantine_cross_fs),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_cache_stream),
		cmocka_unit_test(test_docroots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
