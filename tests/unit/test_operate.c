/*
 * Operating on a fleet (issue 27): the journal datagram, the hook runner
 * (refusals, environment, timeout with the process group) and the
 * Prometheus text of a synthetic audit.
 */
#define _GNU_SOURCE
#include "tests/unit/testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "core/config.h"
#include "core/hook.h"
#include "core/journal.h"
#include "core/limits.h"
#include "reports/report.h"
#include "audit/metrics.h"

static void journal_datagram(void **state)
{
	const struct mw_journal_field f[] = {
		{ "MAILWARDEN_RULE", "mailer.mass-form" }, { "MAILWARDEN_PATH", NULL },
		{ "MAILWARDEN_TITLE", "two\nlines" },
	};
	static const char want[] = "MESSAGE=hello\nPRIORITY=3\nSYSLOG_IDENTIFIER=mailwarden\n"
				   "MAILWARDEN_RULE=mailer.mass-form\nMAILWARDEN_TITLE\n"
				   "\x09\0\0\0\0\0\0\0two\nlines\n";
	struct mw_buf b;

	(void)state;
	mw_buf_init(&b, 4096);
	assert_int_equal(mw_journal_format(&b, 3, "hello", f, 3), MW_OK);
	/* NULL values are left out; a newline switches to the length form */
	assert_int_equal(b.len, sizeof(want) - 1);
	assert_memory_equal(b.data, want, sizeof(want) - 1);
	mw_buf_free(&b);
}

static void journal_value_capped(void **state)
{
	char *big = malloc(MW_MAX_JOURNAL_VALUE * 2 + 1);
	struct mw_buf b;

	(void)state;
	memset(big, 'a', MW_MAX_JOURNAL_VALUE * 2);
	big[MW_MAX_JOURNAL_VALUE * 2] = '\0';
	mw_buf_init(&b, 1 << 20);
	assert_int_equal(mw_journal_format(&b, 6, big, NULL, 0), MW_OK);
	assert_int_equal(strchr(b.data, '\n') - b.data, strlen("MESSAGE=") + MW_MAX_JOURNAL_VALUE);
	mw_buf_free(&b);
	free(big);
}

static char *script(const char *dir, const char *name, const char *body, mode_t mode)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	write_file(p, body, strlen(body));
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static void hook_refusals(void **state)
{
	char *d = make_tmpdir(), err[512], *open_hook, *noexec, *link;
	struct mw_hook_result res;

	(void)state;
	open_hook = script(d, "open", "#!/bin/sh\nexit 0\n", 0777);
	noexec = script(d, "noexec", "#!/bin/sh\nexit 0\n", 0644);
	assert_true(asprintf(&link, "%s/link", d) > 0);
	assert_int_equal(symlink("/bin/true", link), 0);
	assert_int_equal(mw_hook_run(open_hook, NULL, "", 0, 1000, &res, err, sizeof(err)),
			 MW_ERR_CONFIG);
	assert_non_null(strstr(err, "group/world-writable"));
	assert_int_equal(mw_hook_run(noexec, NULL, "", 0, 1000, &res, err, sizeof(err)),
			 MW_ERR_CONFIG);
	assert_non_null(strstr(err, "not an executable"));
	assert_int_equal(mw_hook_run(link, NULL, "", 0, 1000, &res, err, sizeof(err)),
			 MW_ERR_CONFIG);
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(mw_hook_run("bin/true", NULL, "", 0, 1000, &res, err, sizeof(err)),
			 MW_ERR_CONFIG);
	if (geteuid() == 0) {	/* owned by another user: not run as root */
		char *theirs = script(d, "theirs", "#!/bin/sh\nexit 0\n", 0755);

		assert_int_equal(chown(theirs, 65534, 65534), 0);
		assert_int_equal(mw_hook_run(theirs, NULL, "", 0, 1000, &res, err,
					     sizeof(err)), MW_ERR_CONFIG);
		assert_non_null(strstr(err, "not owned by root"));
		free(theirs);
	}
	free(open_hook);
	free(noexec);
	free(link);
	rm_rf(d);
	free(d);
}

static void hook_input_env_status(void **state)
{
	char *d = make_tmpdir(), err[512], *h, *body, *out;
	const char *env[] = { "MAILWARDEN_HOOK=on_finding", NULL };
	struct mw_hook_result res;

	(void)state;
	setenv("MW_SECRET_TEST", "leak", 1);
	assert_true(asprintf(&body, "#!/bin/sh\ncat >%s/in\nenv >%s/env\npwd >>%s/env\n"
			     "echo done; exit 4\n", d, d, d) > 0);
	h = script(d, "rec", body, 0755);
	assert_int_equal(mw_hook_run(h, env, "line1\nline2\n", 12, 5000, &res, err,
				     sizeof(err)), MW_OK);
	assert_int_equal(res.exited, 1);
	assert_int_equal(res.status, 4);
	assert_int_equal(res.timed_out, 0);
	assert_string_equal(res.output, "done");
	free(body);
	assert_true(asprintf(&body, "%s/in", d) > 0);
	out = slurp(body, NULL);
	assert_string_equal(out, "line1\nline2\n");
	free(out);
	free(body);
	assert_true(asprintf(&body, "%s/env", d) > 0);
	out = slurp(body, NULL);
	assert_non_null(strstr(out, "MAILWARDEN_HOOK=on_finding\n"));
	assert_non_null(strstr(out, "LC_ALL=C\n"));
	assert_null(strstr(out, "MW_SECRET_TEST"));	/* our environment stays ours */
	assert_non_null(strstr(out, "\n/\n"));		/* run in / */
	free(out);
	free(body);
	free(h);
	rm_rf(d);
	free(d);
}

static void hook_timeout_kills_group(void **state)
{
	char *d = make_tmpdir(), err[512], *h, *body, *pids;
	struct mw_hook_result res;
	struct timespec t0, t1;
	long hpid, cpid;
	FILE *f;

	(void)state;
	assert_true(asprintf(&body, "#!/bin/sh\nsleep 60 &\necho $$ $! >%s/pids\nsleep 60\n",
			     d) > 0);
	h = script(d, "hang", body, 0755);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(mw_hook_run(h, NULL, NULL, 0, 500, &res, err, sizeof(err)), MW_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(res.timed_out, 1);
	assert_int_equal(res.exited, 0);
	assert_int_equal(res.status, SIGKILL);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	assert_true(asprintf(&pids, "%s/pids", d) > 0);
	f = fopen(pids, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &hpid, &cpid), 2);
	fclose(f);
	/* the background child was in the hook's group: killed (a zombie
	 * until init reaps it, so look at its state, not kill(0)) */
	usleep(100000);
	{
		char path[64], line[512];
		FILE *pf;

		snprintf(path, sizeof(path), "/proc/%ld/stat", cpid);
		pf = fopen(path, "r");	/* /proc files have no size: fgets */
		if (pf && fgets(line, sizeof(line), pf) && !strstr(line, ") Z "))
			fail_msg("child %ld still alive: %s", cpid, line);
		if (pf)
			fclose(pf);
	}
	free(pids);
	free(body);
	free(h);
	rm_rf(d);
	free(d);
}

static void add(struct mw_report *r, const char *check, const char *rule, enum mw_severity s)
{
	struct mw_finding f;

	memset(&f, 0, sizeof(f));
	f.check = check;
	f.rule_id = rule;
	f.severity = s;
	f.title = "t";
	f.path = "/var/www/a \"b\"\n.php";	/* never a label */
	assert_int_equal(mw_report_add(r, &f), MW_OK);
}

static void metrics_text(void **state)
{
	struct mw_report *r = mw_report_new("audit");
	struct mw_audit_check checks[] = {
		{ .name = "dnsbl", .status = MW_AUDIT_OK, .seconds = 0.5 },
		{ .name = "scan", .status = MW_AUDIT_OK, .seconds = 1.25 },
		{ .name = "relay", .status = MW_AUDIT_FAILED, .seconds = 0.25 },
		{ .name = "firewall", .status = MW_AUDIT_SKIPPED },
	};
	struct mw_audit_metrics m;
	struct mw_buf b;
	const char *t;

	(void)state;
	add(r, "scan", "mailer.x", MW_SEV_CRITICAL);
	add(r, "scan", "mailer.y", MW_SEV_CRITICAL);
	add(r, "dnsbl", "dnsbl.listed", MW_SEV_HIGH);
	mw_report_set_data(r, "dnsbl", json_pack("{s:[{s:s},{s:s}], s:[{s:s, s:s}, {s:s, s:s}]}",
		"lists", "zone", "bl.example", "zone", "q\"uote.example",
		"results", "list", "bl.example", "verdict", "listed",
		"list", "q\"uote.example", "verdict", "clean"), NULL);
	mw_report_set_data(r, "scan", json_pack("{s:i, s:i, s:i}", "files", 10, "bytes", 2048,
						"duration_ms", 1500), NULL);
	mw_audit_metrics_count(&m, r);
	mw_buf_init(&b, 1 << 20);
	assert_int_equal(mw_audit_metrics_render(&m, r, NULL, checks, 4, 1, 1700000000, &b), MW_OK);
	t = mw_buf_str(&b);
	assert_non_null(strstr(t, "\nmailwarden_findings{check=\"scan\",severity=\"critical\"} 2\n"));
	assert_non_null(strstr(t, "\nmailwarden_findings{check=\"scan\",severity=\"low\"} 0\n"));
	assert_non_null(strstr(t, "\nmailwarden_findings{check=\"dnsbl\",severity=\"high\"} 1\n"));
	/* a check that failed has no finding counts (unknown, not zero) */
	assert_null(strstr(t, "check=\"relay\",severity"));
	assert_non_null(strstr(t, "\nmailwarden_check_success{check=\"relay\"} 0\n"));
	assert_null(strstr(t, "check=\"firewall\""));
	assert_non_null(strstr(t, "\nmailwarden_new_findings 1\n"));
	assert_non_null(strstr(t, "\nmailwarden_dnsbl_listed{list=\"bl.example\"} 1\n"));
	assert_non_null(strstr(t, "\nmailwarden_dnsbl_listed{list=\"q\\\"uote.example\"} 0\n"));
	assert_non_null(strstr(t, "\nmailwarden_scan_seconds 1.5\n"));
	assert_non_null(strstr(t, "\nmailwarden_last_run_duration_seconds 2\n"));
	assert_non_null(strstr(t, "\nmailwarden_last_run_timestamp_seconds 1700000000\n"));
	assert_null(strstr(t, "/var/www"));
	assert_null(strstr(t, "mailwarden_queue_messages"));	/* no queue section */
	mw_buf_free(&b);
	mw_report_free(r);
}

static void metrics_atomic_write(void **state)
{
	char *d = make_tmpdir(), err[512], *p, *s, *link;
	struct stat st;

	(void)state;
	umask(077);
	assert_int_equal(mw_audit_metrics_write(d, "a 1\n", 4, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_audit_metrics_write(d, "a 2\n", 4, err, sizeof(err)), MW_OK);
	assert_true(asprintf(&p, "%s/mailwarden.prom", d) > 0);
	s = slurp(p, NULL);
	assert_string_equal(s, "a 2\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);	/* readable by node_exporter */
	assert_true(asprintf(&link, "%s/link", d) > 0);
	assert_int_equal(symlink(d, link), 0);
	assert_int_equal(mw_audit_metrics_write(link, "a 3\n", 4, err, sizeof(err)), MW_ERR_IO);
	umask(022);
	free(s);
	free(p);
	free(link);
	rm_rf(d);
	free(d);
}

static void config_hooks_section(void **state)
{
	struct mw_config c;
	char err[256];

	(void)state;
	assert_int_equal(mw_config_defaults(&c), MW_OK);
	assert_int_equal(c.hook_timeout_s, 30);
	assert_int_equal(c.journal, 1);
	assert_int_equal(mw_config_parse(&c, "t", "[hooks]\non_finding = /usr/local/bin/h\n"
					 "timeout_s = 5\n[general]\njournal = no\n"
					 "metrics_textfile = /var/lib/prometheus/node-exporter\n",
					 err, sizeof(err)), MW_OK);
	assert_string_equal(c.hook_on_finding, "/usr/local/bin/h");
	assert_int_equal(c.hook_timeout_s, 5);
	assert_int_equal(c.journal, 0);
	assert_string_equal(c.metrics_textfile, "/var/lib/prometheus/node-exporter");
	assert_int_equal(mw_config_parse(&c, "t", "[hooks]\ntimeout_s = 0\n", err, sizeof(err)),
			 MW_ERR_CONFIG);
	mw_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(journal_datagram),
		cmocka_unit_test(journal_value_capped),
		cmocka_unit_test(hook_refusals),
		cmocka_unit_test(hook_input_env_status),
		cmocka_unit_test(hook_timeout_kills_group),
		cmocka_unit_test(metrics_text),
		cmocka_unit_test(metrics_atomic_write),
		cmocka_unit_test(config_hooks_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
