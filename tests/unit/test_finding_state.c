/*
 * Nightly finding state: new -> seen -> acknowledged, resolution (with
 * the unchanged-file rule for incremental scans), a garbage or foreign
 * database replaced with a note, the lock, and the directory checks.
 */
#include "tests/unit/testutil.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "reports/finding_state.h"

struct fixture {
	char *dir;
	char state[4200];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->dir = make_tmpdir();
	snprintf(fx->state, sizeof(fx->state), "%s/state", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	rm_rf(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static struct mw_state *open_ok(const char *dir, int64_t now, char *note, size_t notelen)
{
	struct mw_state *st = NULL;
	char err[1024] = "";
	int busy = 0;

	assert_int_equal(mw_state_open(dir, now, &st, &busy, note, notelen, err, sizeof(err)),
			 MW_OK);
	assert_int_equal(busy, 0);
	assert_non_null(st);
	return st;
}

static enum mw_state_status observe(struct mw_state *st, const char *id, const char *check,
				    const char *path, int64_t size, int64_t mtime)
{
	struct mw_state_item it = {
		.id = id, .check = check, .rule_id = "r", .title = "title", .path = path,
		.severity = MW_SEV_HIGH, .file_size = size, .file_mtime = mtime,
	};
	enum mw_state_status s;

	assert_int_equal(mw_state_observe(st, &it, &s), MW_OK);
	return s;
}

struct seen_list {
	char ids[8][32];
	size_t n;
};

static void collect(void *arg, const struct mw_state_item *it, int64_t first)
{
	struct seen_list *l = arg;

	assert_true(first > 0);
	if (l->n < 8)
		snprintf(l->ids[l->n++], sizeof(l->ids[0]), "%s", it->id);
}

static void test_lifecycle(void **state)
{
	struct fixture *fx = *state;
	const char *ran[] = { "logs", "scan" };
	char note[1024], err[256], title[128], path[4300];
	struct seen_list res = { 0 };
	struct mw_state *st;
	size_t nres, open, acked;
	struct stat sb;

	/* run 1: both new; the directory and file are root-only */
	st = open_ok(fx->state, 1000, note, sizeof(note));
	assert_string_equal(note, "");
	assert_int_equal(stat(fx->state, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/%s", fx->state, MW_STATE_DB);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(observe(st, "aaaaaaaaaaaaaaaa", "logs", NULL, -1, -1), MW_STATE_NEW);
	assert_int_equal(observe(st, "bbbbbbbbbbbbbbbb", "logs", NULL, -1, -1), MW_STATE_NEW);
	assert_int_equal(mw_state_close(st, 1), MW_OK);

	/* run 2: both seen; ack one by prefix */
	st = open_ok(fx->state, 2000, note, sizeof(note));
	assert_int_equal(observe(st, "aaaaaaaaaaaaaaaa", "logs", NULL, -1, -1), MW_STATE_SEEN);
	assert_int_equal(observe(st, "bbbbbbbbbbbbbbbb", "logs", NULL, -1, -1), MW_STATE_SEEN);
	assert_int_equal(mw_state_ack(st, "aaaaaa", title, sizeof(title), err, sizeof(err)), MW_OK);
	assert_string_equal(title, "title");
	assert_int_equal(mw_state_ack(st, "cccccc", NULL, 0, err, sizeof(err)), MW_ERR_USAGE);
	assert_non_null(strstr(err, "no open finding"));
	assert_int_equal(mw_state_ack(st, "not-hex!", NULL, 0, err, sizeof(err)), MW_ERR_USAGE);
	assert_int_equal(mw_state_close(st, 1), MW_OK);

	/* run 3: a is acknowledged; b is gone -> resolved; a check that did
	 * not run keeps its findings open */
	st = open_ok(fx->state, 3000, note, sizeof(note));
	assert_int_equal(observe(st, "aaaaaaaaaaaaaaaa", "logs", NULL, -1, -1), MW_STATE_ACKED);
	assert_int_equal(mw_state_sweep(st, ran, 2, collect, &res, &nres), MW_OK);
	assert_int_equal(nres, 1);
	assert_string_equal(res.ids[0], "bbbbbbbbbbbbbbbb");
	mw_state_counts(st, &open, &acked);
	assert_int_equal(open, 1);
	assert_int_equal(acked, 1);
	assert_int_equal(mw_state_close(st, 1), MW_OK);

	/* run 4: b is back: new again */
	st = open_ok(fx->state, 4000, note, sizeof(note));
	assert_int_equal(observe(st, "bbbbbbbbbbbbbbbb", "logs", NULL, -1, -1), MW_STATE_NEW);
	assert_int_equal(mw_state_close(st, 0), MW_OK);	/* rolled back */
	st = open_ok(fx->state, 5000, note, sizeof(note));
	assert_int_equal(observe(st, "bbbbbbbbbbbbbbbb", "logs", NULL, -1, -1), MW_STATE_NEW);
	assert_int_equal(mw_state_close(st, 1), MW_OK);
}

static void test_unchanged_file_stays_open(void **state)
{
	struct fixture *fx = *state;
	const char *ran[] = { "scan" };
	char note[1024], f1[4300], f2[4300];
	struct mw_state *st;
	struct stat s1, s2;
	size_t nres;

	st = open_ok(fx->state, 1000, note, sizeof(note));
	snprintf(f1, sizeof(f1), "%s/kept.php", fx->dir);
	snprintf(f2, sizeof(f2), "%s/gone.php", fx->dir);
	write_file(f1, "<?php mail();", 13);
	write_file(f2, "<?php mail();", 13);
	assert_int_equal(stat(f1, &s1), 0);
	assert_int_equal(stat(f2, &s2), 0);
	observe(st, "1111111111111111", "scan", f1, s1.st_size, s1.st_mtime);
	observe(st, "2222222222222222", "scan", f2, s2.st_size, s2.st_mtime);
	assert_int_equal(mw_state_close(st, 1), MW_OK);

	/* An incremental scan did not re-read either file; one was removed
	 * (quarantined): only that one is resolved. */
	unlink(f2);
	st = open_ok(fx->state, 2000, note, sizeof(note));
	assert_int_equal(mw_state_sweep(st, ran, 1, NULL, NULL, &nres), MW_OK);
	assert_int_equal(nres, 1);
	assert_int_equal(observe(st, "1111111111111111", "scan", f1, s1.st_size, s1.st_mtime),
			 MW_STATE_SEEN);
	assert_int_equal(observe(st, "2222222222222222", "scan", f2, s2.st_size, s2.st_mtime),
			 MW_STATE_NEW);
	assert_int_equal(mw_state_close(st, 1), MW_OK);
}

static void test_garbage_db_fresh_start(void **state)
{
	struct fixture *fx = *state;
	char note[1024], path[4300];
	struct mw_state *st;
	char *junk = malloc(65536);
	size_t i;

	st = open_ok(fx->state, 1000, note, sizeof(note));
	observe(st, "aaaaaaaaaaaaaaaa", "logs", NULL, -1, -1);
	assert_int_equal(mw_state_close(st, 1), MW_OK);

	snprintf(path, sizeof(path), "%s/%s", fx->state, MW_STATE_DB);
	for (i = 0; i < 65536; i++)
		junk[i] = (char)(i * 7 + 3);
	write_file(path, junk, 65536);
	free(junk);
	st = open_ok(fx->state, 2000, note, sizeof(note));
	assert_non_null(strstr(note, "was unusable"));
	assert_non_null(strstr(note, "started fresh"));
	assert_int_equal(observe(st, "aaaaaaaaaaaaaaaa", "logs", NULL, -1, -1), MW_STATE_NEW);
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	snprintf(path, sizeof(path), "%s/%s.broken-2000", fx->state, MW_STATE_DB);
	assert_int_equal(access(path, F_OK), 0);
}

/* Two corruptions in the same second: both broken copies are kept. */
static void test_two_broken_copies_same_second(void **state)
{
	struct fixture *fx = *state;
	char note[1024], path[4300];
	struct mw_state *st;
	int round;

	st = open_ok(fx->state, 1000, note, sizeof(note));
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	for (round = 0; round < 2; round++) {
		snprintf(path, sizeof(path), "%s/%s", fx->state, MW_STATE_DB);
		write_file(path, round ? "second junk, not SQLite" : "first junk, not SQLite",
			   round ? 23 : 22);
		st = open_ok(fx->state, 3000, note, sizeof(note));
		assert_non_null(strstr(note, "was unusable"));
		assert_int_equal(mw_state_close(st, 1), MW_OK);
	}
	snprintf(path, sizeof(path), "%s/%s.broken-3000", fx->state, MW_STATE_DB);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/%s.broken-3000.1", fx->state, MW_STATE_DB);
	assert_int_equal(access(path, F_OK), 0);
}

static void test_foreign_schema_fresh_start(void **state)
{
	struct fixture *fx = *state;
	char note[1024], path[4300];
	struct mw_state *st;
	sqlite3 *db;

	st = open_ok(fx->state, 1000, note, sizeof(note));
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	snprintf(path, sizeof(path), "%s/%s", fx->state, MW_STATE_DB);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema'",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = open_ok(fx->state, 2000, note, sizeof(note));
	assert_non_null(strstr(note, "schema version '99'"));
	assert_int_equal(mw_state_close(st, 1), MW_OK);

	/* A database of someone else's: no meta table. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE meta", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = open_ok(fx->state, 3000, note, sizeof(note));
	assert_non_null(strstr(note, "not a mailwarden state file"));
	assert_int_equal(mw_state_close(st, 1), MW_OK);
}

static void test_lock(void **state)
{
	struct fixture *fx = *state;
	struct mw_state *st, *st2 = NULL;
	char note[1024], err[1024];
	int busy = 0;

	st = open_ok(fx->state, 1000, note, sizeof(note));
	assert_int_equal(mw_state_open(fx->state, 1001, &st2, &busy, note, sizeof(note),
				       err, sizeof(err)), MW_ERR_IO);
	assert_int_equal(busy, 1);
	assert_null(st2);
	assert_non_null(strstr(err, "another mailwarden run holds the lock"));
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	st = open_ok(fx->state, 1002, note, sizeof(note));	/* free again */
	assert_int_equal(mw_state_close(st, 1), MW_OK);
}

static void test_unsafe_dir(void **state)
{
	struct fixture *fx = *state;
	struct mw_state *st = NULL;
	char note[1024], err[1024], link[4300];
	int busy;

	assert_int_equal(mkdir(fx->state, 0700), 0);
	assert_int_equal(chmod(fx->state, 0777), 0);
	assert_int_equal(mw_state_open(fx->state, 1, &st, &busy, note, sizeof(note), err,
				       sizeof(err)), MW_ERR_PRIV);
	assert_non_null(strstr(err, "not writable by group or others"));
	snprintf(link, sizeof(link), "%s/link", fx->dir);
	assert_int_equal(symlink(fx->state, link), 0);
	assert_int_equal(mw_state_open(link, 1, &st, &busy, note, sizeof(note), err,
				       sizeof(err)), MW_ERR_IO);
	assert_non_null(strstr(err, "symbolic link"));
	assert_null(st);
}

static void test_ack_ahead(void **state)
{
	struct fixture *fx = *state;
	char note[1024], err[256], title[128];
	struct mw_state *st;

	st = open_ok(fx->state, 1000, note, sizeof(note));
	assert_int_equal(mw_state_ack(st, "0123456789abcdef", title, sizeof(title), err,
				      sizeof(err)), MW_OK);
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	st = open_ok(fx->state, 2000, note, sizeof(note));
	assert_int_equal(observe(st, "0123456789abcdef", "scan", NULL, -1, -1), MW_STATE_ACKED);
	assert_int_equal(mw_state_close(st, 1), MW_OK);
}

static void test_new_errors(void **state)
{
	struct fixture *fx = *state;
	const char *run1[] = { "aaaa000000000001", "aaaa000000000002" };
	const char *run2[] = { "aaaa000000000002", "aaaa00000000000" };
	char note[1024];
	struct mw_state *st;

	st = open_ok(fx->state, 1000, note, sizeof(note));
	assert_int_equal(mw_state_new_errors(st, run1, 2), 2);
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	st = open_ok(fx->state, 2000, note, sizeof(note));
	assert_int_equal(mw_state_new_errors(st, run1, 2), 0);	/* same errors: no news */
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	st = open_ok(fx->state, 3000, note, sizeof(note));
	/* a prefix of a known id is another id */
	assert_int_equal(mw_state_new_errors(st, run2, 2), 1);
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	st = open_ok(fx->state, 4000, note, sizeof(note));
	assert_int_equal(mw_state_new_errors(st, NULL, 0), 0);
	assert_int_equal(mw_state_close(st, 1), MW_OK);
	st = open_ok(fx->state, 5000, note, sizeof(note));
	assert_int_equal(mw_state_new_errors(st, run1, 1), 1);	/* back after a clean run */
	assert_int_equal(mw_state_close(st, 1), MW_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged_file_stays_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_db_fresh_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_broken_copies_same_second, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_foreign_schema_fresh_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_ahead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
