/* scanner/watch: the fanotify record parser, the pending set, sd_notify;
 * the cache's sync (scanner/webroot/cache.c) that the watch relies on. */
#include "tests/unit/testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/sdnotify.h"
#include "scanner/watch/fan_event.h"
#include "scanner/watch/pending.h"
#include "scanner/webroot/cache.h"

/* One event as the kernel lays it out: metadata, then a DFID_NAME record
 * (header, fsid, struct file_handle, name, padding to 4). Returns its size. */
static size_t put_event(unsigned char *b, uint64_t mask, const char *handle,
			uint32_t hb, const char *name)
{
	struct fanotify_event_metadata md;
	struct fanotify_event_info_header h;
	int32_t fsid[2] = { 7, 9 }, ht = 1;
	size_t nl = strlen(name) + 1, rec = sizeof(h) + 8 + 8 + hb + nl, off;

	rec = (rec + 3) & ~(size_t)3;
	memset(&md, 0, sizeof(md));
	md.event_len = (uint32_t)(sizeof(md) + rec);
	md.vers = FANOTIFY_METADATA_VERSION;
	md.metadata_len = sizeof(md);
	md.mask = mask;
	md.fd = FAN_NOFD;
	md.pid = 42;
	memcpy(b, &md, sizeof(md));
	off = sizeof(md);
	memset(b + off, 0, rec);
	h.info_type = FAN_EVENT_INFO_TYPE_DFID_NAME;
	h.pad = 0;
	h.len = (uint16_t)rec;
	memcpy(b + off, &h, sizeof(h));
	memcpy(b + off + sizeof(h), fsid, 8);
	memcpy(b + off + sizeof(h) + 8, &hb, 4);
	memcpy(b + off + sizeof(h) + 12, &ht, 4);
	memcpy(b + off + sizeof(h) + 16, handle, hb);
	memcpy(b + off + sizeof(h) + 16 + hb, name, nl);
	return md.event_len;
}

struct seen {
	int n, overflow;
	char names[4][64];
	uint64_t mask[4];
};

static int collect(void *arg, const struct mw_fan_event *ev)
{
	struct seen *s = arg;

	if (ev->overflow)
		s->overflow++;
	if (s->n < 4) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%.*s", (int)ev->name_len,
			 ev->name);
		s->mask[s->n] = ev->mask;
	}
	s->n++;
	return 0;
}

static void test_parse(void **state)
{
	unsigned char b[1024];
	struct fanotify_event_metadata md;
	struct seen s;
	size_t len;

	(void)state;
	len = put_event(b, FAN_CLOSE_WRITE, "HANDLE01", 8, "mailer.php");
	len += put_event(b + len, FAN_MOVED_TO | FAN_ONDIR, "HANDLE02", 8, "d");
	memset(&md, 0, sizeof(md));
	md.event_len = sizeof(md);
	md.vers = FANOTIFY_METADATA_VERSION;
	md.metadata_len = sizeof(md);
	md.mask = FAN_Q_OVERFLOW;
	md.fd = FAN_NOFD;
	memcpy(b + len, &md, sizeof(md));
	len += sizeof(md);
	memset(&s, 0, sizeof(s));
	assert_int_equal(mw_fan_parse(b, len, collect, &s), 3);
	assert_string_equal(s.names[0], "mailer.php");
	assert_int_equal(s.mask[0], FAN_CLOSE_WRITE);
	assert_string_equal(s.names[1], "d");
	assert_int_equal(s.overflow, 1);

	/* every truncation is refused, never read past */
	for (size_t cut = 1; cut < len; cut++) {
		unsigned char *t = malloc(cut);

		memcpy(t, b, cut);
		memset(&s, 0, sizeof(s));
		assert_true(mw_fan_parse(t, cut, collect, &s) <= 3);
		free(t);
	}
	/* a handle longer than its record, a name without NUL */
	len = put_event(b, FAN_CREATE, "HANDLE01", 8, "x");
	b[sizeof(md) + sizeof(struct fanotify_event_info_header) + 8] = 200;
	assert_int_equal(mw_fan_parse(b, len, collect, &s), -1);
	len = put_event(b, FAN_CREATE, "HANDLE01", 8, "abc");
	memset(b + len - 4, 'z', 4);
	assert_int_equal(mw_fan_parse(b, len, collect, &s), -1);
	/* a foreign version stops the parse */
	len = put_event(b, FAN_CREATE, "HANDLE01", 8, "abc");
	b[4] = FANOTIFY_METADATA_VERSION + 1;
	assert_int_equal(mw_fan_parse(b, len, collect, &s), -1);
}

static struct mw_fan_event ev_of(const char *handle, const char *name)
{
	struct mw_fan_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.fsid[0] = 1;
	ev.handle = (const unsigned char *)handle;
	ev.handle_bytes = (uint32_t)strlen(handle);
	ev.handle_type = 1;
	ev.name = name;
	ev.name_len = strlen(name);
	ev.has_dir = 1;
	return ev;
}

static void test_pending(void **state)
{
	struct mw_pending *p = mw_pending_new();
	struct mw_fan_event a = ev_of("dir1", "a.php"), b = ev_of("dir1", "b.php");
	struct mw_fan_event c = ev_of("dir2", "a.php");
	struct mw_pending_item *it;
	char name[32];
	int i;

	(void)state;
	assert_non_null(p);
	/* a burst of writes to one name is one scan */
	for (i = 0; i < 1000; i++)
		assert_int_equal(mw_pending_add(p, &a, 0, 0, 0), 0);
	assert_int_equal(mw_pending_add(p, &c, 0, 0, 0), 0);
	assert_int_equal(mw_pending_count(p), 2);
	/* a bare create waits, a close makes it ready */
	assert_int_equal(mw_pending_add(p, &b, 0, 1, 0), 0);
	assert_int_equal(mw_pending_ready(p), 2);
	assert_int_equal(mw_pending_next_due(p), MW_WATCH_CREATE_DELAY_MS);
	it = mw_pending_take(p, 0);
	assert_string_equal(it->name, "a.php");
	assert_memory_equal(it->handle, "dir1", 4);
	mw_pending_item_free(it);
	it = mw_pending_take(p, 0);
	assert_memory_equal(it->handle, "dir2", 4);
	mw_pending_item_free(it);
	assert_null(mw_pending_take(p, 0));
	assert_non_null(it = mw_pending_take(p, MW_WATCH_CREATE_DELAY_MS));
	assert_string_equal(it->name, "b.php");
	mw_pending_item_free(it);
	assert_int_equal(mw_pending_add(p, &b, 0, 1, 0), 0);
	assert_int_equal(mw_pending_add(p, &b, 0, 0, 5), 0);
	assert_int_equal(mw_pending_ready(p), 1);
	assert_int_equal(mw_pending_next_due(p), -1);
	/* bounded: past the cap the caller is told */
	for (i = 0; i < MW_WATCH_MAX_PENDING; i++) {
		struct mw_fan_event e;

		snprintf(name, sizeof(name), "f%d", i);
		e = ev_of("dir3", name);
		if (mw_pending_add(p, &e, 0, 0, 0) < 0)
			break;
	}
	assert_int_equal(mw_pending_count(p), MW_WATCH_MAX_PENDING);
	mw_pending_clear(p);
	assert_int_equal(mw_pending_count(p), 0);
	assert_null(mw_pending_take(p, 1 << 30));
	mw_pending_free(p);
}

static void test_sd_notify(void **state)
{
	char dir[] = "/tmp/mw-unit-notify-XXXXXX", path[64], buf[64];
	struct sockaddr_un sa;
	ssize_t n;
	int fd;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(mw_sd_notify("READY=1"), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(mw_sd_notify("READY=1\nSTATUS=x"), 1);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_int_equal(n, 16);
	buf[n] = '\0';
	assert_string_equal(buf, "READY=1\nSTATUS=x");
	setenv("NOTIFY_SOCKET", "relative", 1);
	assert_int_equal(mw_sd_notify("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(path);
	rmdir(dir);

	setenv("WATCHDOG_USEC", "30000000", 1);
	unsetenv("WATCHDOG_PID");
	assert_int_equal(mw_sd_watchdog_usec(), 30000000);
	setenv("WATCHDOG_PID", "1", 1);	/* someone else's */
	assert_int_equal(mw_sd_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "3x", 1);
	assert_int_equal(mw_sd_watchdog_usec(), 0);
	unsetenv("WATCHDOG_USEC");
}

/* A row synced mid-run is seen by the next lookup, also past the table's
 * first size, and survives a reopen. */
static void test_cache_sync(void **state)
{
	char dir[] = "/tmp/mw-unit-cache-XXXXXX", err[256];
	struct mw_scan_cache *c;
	const char *note, *fj, *sha;
	struct stat st;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mw_cache_open(dir, "v1", &c, &note, err, sizeof(err)), MW_OK);
	memset(&st, 0, sizeof(st));
	st.st_dev = 5;
	st.st_size = 10;
	for (i = 1; i <= 3000; i++) {
		st.st_ino = (ino_t)i;
		assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 0);
		assert_int_equal(mw_cache_put(c, &st, i == 7 ? "ab" : NULL,
					      i == 7 ? "[{\"rule_id\":\"x\"}]" : NULL), MW_OK);
	}
	assert_int_equal(mw_cache_sync(c, err, sizeof(err)), MW_OK);
	for (i = 1; i <= 3000; i++) {
		st.st_ino = (ino_t)i;
		assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 1);
	}
	st.st_ino = 7;
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 1);
	assert_string_equal(fj, "[{\"rule_id\":\"x\"}]");
	/* changed file: a miss; the new version replaces the old */
	st.st_size = 11;
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 0);
	assert_int_equal(mw_cache_put(c, &st, NULL, NULL), MW_OK);
	assert_int_equal(mw_cache_sync(c, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 1);
	assert_null(fj);
	assert_int_equal(mw_cache_close(c, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cache_open(dir, "v1", &c, &note, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_cache_lookup(c, &st, &fj, &sha), 1);
	assert_int_equal(mw_cache_loaded(c), 3000);
	assert_int_equal(mw_cache_close(c, err, sizeof(err)), MW_OK);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_sd_notify),
		cmocka_unit_test(test_cache_sync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
