#include "tests/unit/testutil.h"

#include <errno.h>
#include <jansson.h>

#include "reports/report.h"
#include "reports/writer.h"

/* A report with one finding of each shape, fixed times, hostile strings. */
static struct mw_report *sample_report(void)
{
	struct mw_report *r = mw_report_new("scan");
	struct mw_finding f;
	const char *lines[] = { "Nov 23 10:00:01 host postfix/pickup[12]: 4AB: uid=33 from=<www-data>" };
	json_t *d;

	assert_non_null(r);
	mw_report_set_times(r, 1763900000, 1763900042);

	memset(&f, 0, sizeof(f));
	f.check = "scan";
	f.rule_id = "mailer.post-recipients";
	f.severity = MW_SEV_CRITICAL;
	f.title = "PHP mass mailer: recipients from POST looped into mail()";
	f.family = "mailer/mass-form";
	f.path = "/var/www/site/uploads/evil\n\x1b[2Jname.php";
	f.line = 12;
	f.excerpt = "foreach ($emails as $to) { mail($to, $_POST['subject'], $body); }";
	f.remediation = "Quarantine the file and find how it was uploaded.";
	f.file.valid = 1;
	strcpy(f.file.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	f.file.uid = 0;
	f.file.gid = 0;
	f.file.mode = 0100644;
	f.file.mtime = 1763800000;
	f.file.size = 1234;
	assert_int_equal(mw_report_add(r, &f), MW_OK);

	memset(&f, 0, sizeof(f));
	f.check = "dnsbl";
	f.rule_id = "dnsbl.listed";
	f.severity = MW_SEV_HIGH;
	f.title = "203.0.113.7 is listed on zen.spamhaus.org (XBL)";
	f.ip = "203.0.113.7";
	f.list = "zen.spamhaus.org";
	d = json_pack("{s:s, s:i}", "code", "127.0.0.4", "ttl", 300);
	f.details = d;
	assert_int_equal(mw_report_add(r, &f), MW_OK);
	json_decref(d);

	memset(&f, 0, sizeof(f));
	f.check = "logs";
	f.rule_id = "logs.web-user-mail";
	f.severity = MW_SEV_INFO;
	f.title = "mail submitted by uid 33";
	f.log_lines = lines;
	f.n_log_lines = 1;
	assert_int_equal(mw_report_add(r, &f), MW_OK);

	mw_report_error(r, "scan", "/var/www/locked", 0, MW_ERR_PRIV, "%s", "Permission denied");
	mw_report_note(r, "scan", "document root %s (%s)", "/var/www/site", "apache DocumentRoot");
	mw_report_set_data(r, "scan", json_pack("{s:i, s:i}", "files", 10, "php_candidates", 4), NULL);
	mw_report_finish(r);
	return r;
}

static char *render(struct mw_report *r, enum mw_format f, int color)
{
	struct mw_write_opts o = { .color = color, .quiet = 0, .host = "testhost" };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(mw_report_write(r, f, m, &o), MW_OK);
	fclose(m);
	return buf;
}

static void test_exit_codes(void **state)
{
	(void)state;
	struct mw_report *r = mw_report_new("scan");
	struct mw_finding f = { .check = "scan", .rule_id = "x", .title = "t",
				.severity = MW_SEV_INFO };

	assert_int_equal(mw_report_exit_code(r), 0);
	mw_report_add(r, &f);
	assert_int_equal(mw_report_exit_code(r), 0);	/* info does not count */
	f.severity = MW_SEV_LOW;
	mw_report_add(r, &f);
	assert_int_equal(mw_report_exit_code(r), 1);
	mw_report_error(r, "scan", "/x", 3, MW_ERR_PARSE, "bad");
	assert_int_equal(mw_report_exit_code(r), 2);
	mw_report_free(r);
	r = mw_report_new("scan");
	mw_report_set_incomplete(r, "interrupted");
	assert_int_equal(mw_report_exit_code(r), 2);
	mw_report_free(r);
}

/* --min-severity: removed after the run, counted, said once per cut; the
 * exit status and the JSON summary follow (issue 18 item 22). */
static void test_hide_below(void **state)
{
	struct mw_report *r = sample_report();
	enum mw_severity min;
	json_t *j;

	(void)state;
	mw_report_hide_below(r, MW_SEV_CRITICAL);
	assert_int_equal(mw_report_nfindings(r), 1);
	assert_int_equal(mw_report_hidden(r, &min), 2);
	assert_int_equal(min, MW_SEV_CRITICAL);
	assert_int_equal(mw_report_nnotes(r), 2);
	assert_string_equal(mw_report_get_note(r, 1)->text,
			    "2 findings below critical not shown (--min-severity)");
	mw_report_hide_below(r, MW_SEV_CRITICAL);	/* the nightly mail, then the CLI */
	assert_int_equal(mw_report_nnotes(r), 2);
	j = mw_report_to_json(r, "h");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"),
							   "hidden")), 2);
	json_decref(j);
	mw_report_free(r);

	r = mw_report_new("x");
	{
		struct mw_finding f = { .check = "x", .rule_id = "x", .title = "t",
					.severity = MW_SEV_MEDIUM };

		mw_report_add(r, &f);
	}
	assert_int_equal(mw_report_exit_code(r), 1);
	mw_report_hide_below(r, MW_SEV_HIGH);
	assert_int_equal(mw_report_exit_code(r), 0);
	mw_report_free(r);
}

static void test_json_roundtrip(void **state)
{
	(void)state;
	struct mw_report *r = sample_report();
	char *out = render(r, MW_FMT_JSON, 0);
	json_error_t err;
	json_t *doc = json_loads(out, 0, &err), *f0, *f1;

	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")), MW_REPORT_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(doc, "command")), "scan");
	assert_int_equal(json_integer_value(json_object_get(doc, "exit_code")), 2);
	assert_string_equal(json_string_value(json_object_get(doc, "started")), "2025-11-23T12:13:20Z");
	assert_int_equal(json_array_size(json_object_get(doc, "findings")), 3);
	f0 = json_array_get(json_object_get(doc, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f0, "severity")), "critical");
	/* the control characters in the path arrive escaped, not raw */
	assert_string_equal(json_string_value(json_object_get(json_object_get(f0, "evidence"), "path")),
			    "/var/www/site/uploads/evil\\n\\x1b[2Jname.php");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(f0, "evidence"), "line")), 12);
	assert_string_equal(json_string_value(json_object_get(json_object_get(f0, "file"), "mode")), "0644");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f0, "file"), "owner")), "root");
	f1 = json_array_get(json_object_get(doc, "findings"), 1);
	assert_string_equal(json_string_value(json_object_get(f1, "check")), "dnsbl");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f1, "details"), "code")),
			    "127.0.0.4");
	assert_true(json_is_null(json_object_get(f1, "file")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(doc,
			 "summary"), "by_severity"), "high")), 1);
	assert_int_equal(json_array_size(json_object_get(doc, "errors")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(doc,
			 "data"), "scan"), "files")), 10);
	json_decref(doc);
	free(out);
	mw_report_free(r);
}

static void test_jsonl_lines_parse(void **state)
{
	(void)state;
	struct mw_report *r = sample_report();
	char *out = render(r, MW_FMT_JSONL, 0), *save = NULL, *line;
	int n = 0, findings = 0;
	const char *last_type = NULL;
	json_t *o = NULL;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t err;

		json_decref(o);
		o = json_loads(line, 0, &err);
		assert_non_null(o);
		last_type = json_string_value(json_object_get(o, "type"));
		findings += strcmp(last_type, "finding") == 0;
		n++;
	}
	assert_int_equal(findings, 3);
	assert_int_equal(n, 3 + 1 + 1 + 1 + 1);	/* findings, note, error, data, summary */
	assert_string_equal(last_type, "summary");
	assert_int_equal(json_integer_value(json_object_get(o, "exit_code")), 2);
	json_decref(o);
	free(out);
	mw_report_free(r);
}

static void test_text_golden(void **state)
{
	(void)state;
	struct mw_report *r = sample_report();
	char *out = render(r, MW_FMT_TEXT, 0), path[1024], *golden;

	snprintf(path, sizeof(path), "%s/tests/golden/text_report.txt", test_top());
	if (getenv("MW_UPDATE_GOLDEN"))
		write_file(path, out, strlen(out));
	golden = slurp(path, NULL);
	assert_non_null(golden);
	assert_string_equal(out, golden);
	/* no raw escape character reaches the terminal */
	assert_null(strchr(out, '\x1b'));
	free(golden);
	free(out);
	out = render(r, MW_FMT_TEXT, 1);
	assert_non_null(strstr(out, "\x1b[1;31mCRITICAL"));
	free(out);
	mw_report_free(r);
}

static void test_write_error_detected(void **state)
{
	(void)state;
	struct mw_report *r = sample_report();
	FILE *full = fopen("/dev/full", "w");

	assert_non_null(full);
	assert_int_equal(mw_report_write(r, MW_FMT_TEXT, full, NULL), MW_ERR_IO);
	fclose(full);
	full = fopen("/dev/full", "w");
	assert_int_equal(mw_report_write(r, MW_FMT_JSON, full, NULL), MW_ERR_IO);
	fclose(full);
	mw_report_free(r);
}

/* The scan cache's codec gives back every field it keeps, the cause by
 * name (replay must not turn a webshell into "other"), non-UTF-8 text
 * byte for byte; a missing or unknown cause is none, never a wrong one. */
static void test_finding_codec(void **state)
{
	struct mw_finding f = {
		.rule_id = "webshell.x", .severity = MW_SEV_HIGH, .cause = MW_CAUSE_WEBSHELL,
		.title = "t", .family = "webshell/x", .line = 7,
		.excerpt = "a\xff\x1b[2J", .remediation = "r",
	}, g;
	struct mw_finding_codec_buf b;
	json_t *j = mw_finding_encode(&f);
	char *text;
	enum mw_cause c;

	(void)state;
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(strstr(text, "\"cause\":\"webshell\""));
	free(text);
	memset(&g, 0, sizeof(g));
	assert_int_equal(mw_finding_decode(j, &g, &b), 0);
	assert_string_equal(g.rule_id, f.rule_id);
	assert_int_equal(g.severity, f.severity);
	assert_int_equal(g.cause, MW_CAUSE_WEBSHELL);
	assert_string_equal(g.family, f.family);
	assert_int_equal(g.line, 7);
	assert_string_equal(g.excerpt, f.excerpt);
	mw_finding_codec_buf_free(&b);
	json_object_set_new(j, "cause", json_string("no-such-cause"));
	assert_int_equal(mw_finding_decode(j, &g, &b), 0);
	assert_int_equal(g.cause, MW_CAUSE_NONE);
	mw_finding_codec_buf_free(&b);
	json_object_del(j, "cause");
	assert_int_equal(mw_finding_decode(j, &g, &b), 0);
	assert_int_equal(g.cause, MW_CAUSE_NONE);
	mw_finding_codec_buf_free(&b);
	json_decref(j);
	for (c = MW_CAUSE_NONE + 1; c < MW_CAUSE__COUNT; c++)
		assert_int_equal(mw_cause_parse(mw_cause_name(c), strlen(mw_cause_name(c))), c);
	assert_null(mw_cause_name(MW_CAUSE_NONE));
	assert_null(mw_cause_name(MW_CAUSE__COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_hide_below),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_jsonl_lines_parse),
		cmocka_unit_test(test_text_golden),
		cmocka_unit_test(test_write_error_detected),
		cmocka_unit_test(test_finding_codec),
	};

	return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
