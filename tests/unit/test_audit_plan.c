/*
 * The audit's pure parts over synthetic reports: finding ids, correlation
 * of logs with scan and forwarders findings, headline, plan order, the
 * copy between reports and the text renderer.
 */
#include "tests/unit/testutil.h"

#include <jansson.h>

#include "reports/report.h"
#include "reports/writer.h"
#include "audit/audit.h"

#define MAILER "/var/www/x/wp-content/uploads/a.php"

/* The cause each check gives its findings (the producers set it; here the
 * synthetic findings say it the same way). */
static enum mw_cause cause_of(const char *rule)
{
	static const struct {
		const char *prefix;
		enum mw_cause cause;
	} map[] = {
		{ "mailer.", MW_CAUSE_WEB_MAILER }, { "webshell.", MW_CAUSE_WEBSHELL },
		{ "dnsbl.listed", MW_CAUSE_LISTED }, { "logs.sasl", MW_CAUSE_SASL },
		{ "logs.blocklist", MW_CAUSE_REJECTIONS }, { "logs.", MW_CAUSE_LOCAL_SENDER },
		{ "forwarders.", MW_CAUSE_FORWARDER }, { "relay.", MW_CAUSE_RELAY },
		{ "firewall.", MW_CAUSE_FIREWALL },
		{ "queue.web-user-mail", MW_CAUSE_LOCAL_SENDER },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(rule, map[i].prefix, strlen(map[i].prefix)))
			return map[i].cause;
	return MW_CAUSE_NONE;
}

static void add_scan(struct mw_report *r, const char *path, const char *rule, uid_t uid)
{
	struct mw_finding f;

	memset(&f, 0, sizeof(f));
	f.check = "scan";
	f.rule_id = rule;
	f.cause = cause_of(rule);
	f.severity = MW_SEV_CRITICAL;
	f.title = "PHP mass mailer";
	f.family = "mailer/mass-form";
	f.path = path;
	f.file.valid = 1;
	f.file.uid = uid;
	f.file.gid = uid;
	f.file.mode = 0100644;
	f.file.size = 812;
	f.file.mtime = 1763800000;
	assert_int_equal(mw_report_add(r, &f), MW_OK);
}

/* A finding with details d (taken) and the account its check names. */
static void add_account(struct mw_report *r, const char *check, const char *rule,
			enum mw_severity sev, const char *title, const char *ip,
			const char *list, json_t *d, const char *account)
{
	struct mw_finding f;

	memset(&f, 0, sizeof(f));
	f.check = check;
	f.rule_id = rule;
	f.cause = cause_of(rule);
	f.severity = sev;
	f.title = title;
	f.ip = ip;
	f.list = list;
	f.account = account;
	f.details = d;
	assert_int_equal(mw_report_add(r, &f), MW_OK);
	json_decref(d);
}

static void add_details(struct mw_report *r, const char *check, const char *rule,
			enum mw_severity sev, const char *title, const char *ip,
			const char *list, json_t *d)
{
	add_account(r, check, rule, sev, title, ip, list, d, NULL);
}

/* A forwarders finding as fwd_report.c makes it: account is the login
 * the check names when the forward is in that user's own filter. */
static void add_fwd(struct mw_report *r, const char *rule, enum mw_severity sev,
		    const char *title, const char *owner, const char *dest,
		    const char *source, const char *account)
{
	add_account(r, "forwarders", rule, sev, title, NULL, NULL,
		    json_pack("{s:s, s:s, s:s}", "owner", owner, "destination", dest,
			      "source", source), account);
}

/* The "554 blacklisted" host: two listings, a mailer that sent 14,200
 * mails, and a hijacked mailbox with an external forwarder. */
static struct mw_report *incident_report(const char *script)
{
	struct mw_report *r = mw_report_new("audit");

	assert_non_null(r);
	add_scan(r, MAILER, "mailer.post-recipients-loop", 33);
	add_scan(r, "/var/www/y/index.php", "webshell.wso", 1000);
	add_details(r, "logs", "logs.local-submission", MW_SEV_HIGH,
		    "14200 mails submitted by www-data (uid 33)", NULL, NULL,
		    json_pack("{s:i, s:s, s:i, s:i, s:[s], s:[s]}", "uid", 33, "user", "www-data",
			      "messages", 14200, "recipient_domains", 3100,
			      "scripts", script, "cwds", "/var/www/x"));
	add_details(r, "logs", "logs.sasl-abuse", MW_SEV_HIGH,
		    "SMTP AUTH as info@example.org from 37 IPs", NULL, NULL,
		    json_pack("{s:s, s:i}", "sasl_username", "info@example.org", "ips", 37));
	add_fwd(r, "forwarders.external", MW_SEV_HIGH, "info forwards to drop@evil.example",
		"info", "drop@evil.example", "sieve", "info");
	add_details(r, "dnsbl", "dnsbl.listed", MW_SEV_HIGH, "203.0.113.7 listed on zen",
		    "203.0.113.7", "zen.spamhaus.org",
		    json_pack("{s:s, s:s, s:s, s:s}", "code", "127.0.0.4", "meaning", "XBL",
			      "txt", "", "delist_url", "https://check.spamhaus.org/"));
	add_details(r, "dnsbl", "dnsbl.listed", MW_SEV_HIGH, "203.0.113.7 listed on spamcop",
		    "203.0.113.7", "bl.spamcop.net",
		    json_pack("{s:s, s:s}", "code", "127.0.0.2", "delist_url",
			      "https://www.spamcop.net/bl.shtml?203.0.113.7"));
	add_details(r, "dnsbl", "dnsbl.not-listed", MW_SEV_INFO, "not on b.barracudacentral.org",
		    "203.0.113.7", "b.barracudacentral.org", NULL);
	return r;
}

static const struct mw_audit_check all_ok[] = {
	{ "dnsbl", MW_AUDIT_OK, "dnsbl", NULL, 0.1, 3 },
	{ "logs", MW_AUDIT_OK, "logs --since 7d", NULL, 0.1, 2 },
	{ "scan", MW_AUDIT_OK, "scan", NULL, 0.1, 2 },
	{ "forwarders", MW_AUDIT_OK, "forwarders", NULL, 0.1, 1 },
	{ "relay", MW_AUDIT_OK, "relay", NULL, 0.1, 0 },
	{ "firewall", MW_AUDIT_OK, "firewall --status", NULL, 0.1, 0 },
};

static struct mw_audit_input input(const struct mw_audit_check *c, size_t n)
{
	struct mw_audit_input in;

	memset(&in, 0, sizeof(in));
	in.checks = c;
	in.nchecks = n;
	in.logs_window = "7d";
	return in;
}

static const struct mw_stored_finding *find_rule(struct mw_report *r, const char *rule,
						 size_t nth)
{
	size_t i;

	for (i = 0; i < mw_report_nfindings(r); i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);

		if (!strcmp(f->rule_id, rule) && nth-- == 0)
			return f;
	}
	return NULL;
}

static void test_finding_id_stable(void **state)
{
	struct mw_report *a = mw_report_new("x"), *b = mw_report_new("x");
	char ia[MW_FINDING_ID_LEN], ib[MW_FINDING_ID_LEN], ic[MW_FINDING_ID_LEN];

	(void)state;
	/* Same subject, different counts and titles: same id. */
	add_details(a, "logs", "logs.local-submission", MW_SEV_HIGH, "100 mails", NULL, NULL,
		    json_pack("{s:i, s:s, s:i}", "uid", 33, "user", "www-data", "messages", 100));
	add_details(b, "logs", "logs.local-submission", MW_SEV_CRITICAL, "9000 mails", NULL,
		    NULL, json_pack("{s:i, s:s, s:i}", "uid", 33, "user", "www-data",
				    "messages", 9000));
	mw_finding_id(mw_report_finding(a, 0), ia);
	mw_finding_id(mw_report_finding(b, 0), ib);
	assert_string_equal(ia, ib);
	assert_int_equal(strlen(ia), 16);
	/* Another user: another id. */
	add_details(b, "logs", "logs.local-submission", MW_SEV_HIGH, "100 mails", NULL, NULL,
		    json_pack("{s:i, s:s}", "uid", 1000, "user", "alice"));
	mw_finding_id(find_rule(b, "logs.local-submission", 1), ic);
	assert_string_not_equal(ia, ic);
	mw_report_free(a);
	mw_report_free(b);
}

static void test_correlate_script_path(void **state)
{
	struct mw_report *r = incident_report("/var/www/x/wp-content/uploads/a.php");
	const struct mw_stored_finding *c, *scan, *logs;
	char sid[MW_FINDING_ID_LEN], lid[MW_FINDING_ID_LEN];
	json_t *ev;

	(void)state;
	assert_int_equal(mw_audit_correlate(r), 2);
	c = find_rule(r, "audit.mailer-sent-mail", 0);
	assert_non_null(c);
	assert_null(find_rule(r, "audit.mailer-sent-mail", 1));	/* not the webshell */
	assert_string_equal(c->path, MAILER);
	assert_int_equal(c->severity, MW_SEV_CRITICAL);
	assert_string_equal(json_string_value(json_object_get(c->details, "match")),
			    "script path");
	assert_int_equal(json_integer_value(json_object_get(c->details, "messages")), 14200);
	/* Both pieces of evidence, by id. */
	scan = find_rule(r, "mailer.post-recipients-loop", 0);
	logs = find_rule(r, "logs.local-submission", 0);
	mw_finding_id(scan, sid);
	mw_finding_id(logs, lid);
	ev = json_object_get(c->details, "evidence");
	assert_int_equal(json_array_size(ev), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "finding_id")), lid);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 1), "finding_id")), sid);

	c = find_rule(r, "audit.hijacked-mailbox", 0);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c->details, "destination")),
			    "drop@evil.example");
	assert_non_null(strstr(c->title, "37 IPs"));
	mw_report_free(r);
}

static void test_correlate_weak_matches(void **state)
{
	struct mw_report *r;
	const struct mw_stored_finding *c;
	json_t *d;

	(void)state;
	/* PHP's header carries "uid:basename": counts with the owner match. */
	r = incident_report("33:a.php");
	mw_audit_correlate(r);
	c = find_rule(r, "audit.mailer-sent-mail", 0);
	assert_non_null(c);
	assert_string_equal(c->path, MAILER);
	mw_report_free(r);

	/* A cwd that is the mailer's directory. */
	r = mw_report_new("audit");
	add_scan(r, MAILER, "mailer.x", 1000);
	d = json_pack("{s:i, s:s, s:[s], s:[s]}", "uid", 33, "user", "www-data", "scripts",
		      "a.php", "cwds", "/var/www/x/wp-content/uploads/");
	add_details(r, "logs", "logs.local-submission", MW_SEV_HIGH, "t", NULL, NULL, d);
	assert_int_equal(mw_audit_correlate(r), 1);
	c = find_rule(r, "audit.mailer-sent-mail", 0);
	assert_string_equal(json_string_value(json_object_get(c->details, "match")),
			    "working directory");
	mw_report_free(r);

	/* Same basename, other owner, other directory: no correlation. */
	r = mw_report_new("audit");
	add_scan(r, MAILER, "mailer.x", 1000);
	add_details(r, "logs", "logs.local-submission", MW_SEV_HIGH, "t", NULL, NULL,
		    json_pack("{s:i, s:s, s:[s], s:[s]}", "uid", 33, "user", "www-data",
			      "scripts", "33:a.php", "cwds", "/var/www/other"));
	/* A mailbox on another domain is another mailbox. */
	add_details(r, "logs", "logs.sasl-abuse", MW_SEV_HIGH, "t", NULL, NULL,
		    json_pack("{s:s}", "sasl_username", "info@example.org"));
	add_details(r, "forwarders", "forwarders.external", MW_SEV_HIGH, "t", NULL, NULL,
		    json_pack("{s:s, s:s}", "owner", "info@example.net", "destination", "x@y.z"));
	assert_int_equal(mw_audit_correlate(r), 0);
	mw_report_free(r);
}

/* A queued web-user message whose script the scan flagged: one
 * correlation that names both findings, the queue's count per script. */
static void test_correlate_queue(void **state)
{
	struct mw_report *r;
	const struct mw_stored_finding *c;
	json_t *ev;

	(void)state;
	r = mw_report_new("audit");
	add_scan(r, MAILER, "mailer.x", 33);
	add_details(r, "queue", "queue.web-user-mail", MW_SEV_HIGH,
		    "500 queued messages submitted by web user www-data (uid 33)", NULL, NULL,
		    json_pack("{s:i, s:s, s:i, s:[{s:s, s:i}, {s:s, s:i}]}", "uid", 33,
			      "user", "www-data", "messages", 500, "scripts",
			      "script", "other.php", "messages", 250,
			      "script", "a.php", "messages", 250));
	assert_int_equal(mw_audit_correlate(r), 1);
	c = find_rule(r, "audit.mailer-sent-mail", 0);
	assert_non_null(c);
	assert_string_equal(c->path, MAILER);
	assert_int_equal(json_integer_value(json_object_get(c->details, "messages")), 250);
	ev = json_object_get(c->details, "evidence");
	assert_int_equal(json_array_size(ev), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "rule_id")),
			    "queue.web-user-mail");
	mw_report_free(r);

	/* the same name owned by someone else: no correlation */
	r = mw_report_new("audit");
	add_scan(r, MAILER, "mailer.x", 1000);
	add_details(r, "queue", "queue.web-user-mail", MW_SEV_HIGH, "t", NULL, NULL,
		    json_pack("{s:i, s:s, s:[{s:s, s:i}]}", "uid", 33, "user", "www-data",
			      "scripts", "script", "a.php", "messages", 1));
	assert_int_equal(mw_audit_correlate(r), 0);
	mw_report_free(r);
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void test_headline_and_plan(void **state)
{
	struct mw_report *r = incident_report("33:a.php");
	struct mw_audit_input in = input(all_ok, 6);
	const char *order[] = { "stop-sender", "quarantine", "reset-account",
				"remove-forwarders", "firewall", "delist", "verify" };
	json_t *s, *plan, *step, *v;
	size_t i, j;
	int urls = 0, webshell = 0;

	(void)state;
	mw_audit_correlate(r);
	s = mw_audit_summarize(r, &in);
	assert_non_null(s);
	assert_string_equal(jstr(s, "verdict"), "listed");
	assert_string_equal(jstr(s, "headline"),
			    "listed on 2 lists; likely cause: PHP mailer at " MAILER
			    " sending as www-data, 14,200 mails in the last 7 days; also "
			    "hijacked mailbox info@example.org (SMTP AUTH abuse, forwarder "
			    "to drop@evil.example)");
	plan = json_object_get(s, "plan");
	assert_int_equal(json_array_size(plan), 7);
	json_array_foreach(plan, i, step) {
		assert_string_equal(jstr(step, "phase"), order[i]);
		assert_int_equal(json_integer_value(json_object_get(step, "step")), (int)i + 1);
		assert_true(json_array_size(json_object_get(step, "actions")) > 0);
	}
	/* stop-sender names the mailer and its mail count. */
	v = json_array_get(json_object_get(json_array_get(plan, 0), "actions"), 0);
	assert_non_null(strstr(json_string_value(v), MAILER " sent 14,200 mails as www-data"));
	/* quarantine lists both files. */
	json_array_foreach(json_object_get(json_array_get(plan, 1), "actions"), j, v)
		webshell += strstr(json_string_value(v), "/var/www/y/index.php") != NULL;
	assert_int_equal(webshell, 1);
	/* reset: the hijacked mailbox comes first, once: the correlation
	 * replaces the lines of its sources. */
	v = json_array_get(json_object_get(json_array_get(plan, 2), "actions"), 0);
	assert_non_null(strstr(json_string_value(v), "info@example.org: reset the password"));
	json_array_foreach(json_object_get(json_array_get(plan, 2), "actions"), j, v)
		assert_null(strstr(json_string_value(v), "disable SMTP AUTH"));
	/* with the exact command that responds (issue 22) */
	v = json_object_get(json_array_get(plan, 2), "commands");
	assert_int_equal(json_array_size(v), 1);
	assert_string_equal(json_string_value(json_array_get(v, 0)),
			    "mailwarden account info@example.org --respond --apply");
	assert_int_equal(json_array_size(json_object_get(json_array_get(plan, 0), "actions")), 1);
	/* remove-forwarders names owner and destination. */
	v = json_array_get(json_object_get(json_array_get(plan, 3), "actions"), 0);
	assert_non_null(strstr(json_string_value(v), "sieve forwarder of info to drop@evil.example"));
	/* firewall is recommended with the command. */
	v = json_array_get(json_object_get(json_array_get(plan, 4), "commands"), 0);
	assert_string_equal(json_string_value(v), "mailwarden firewall --apply");
	/* delist carries the URLs from the dnsbl details. */
	json_array_foreach(json_object_get(json_array_get(plan, 5), "actions"), j, v)
		urls += strstr(json_string_value(v), "https://check.spamhaus.org/") != NULL ||
			strstr(json_string_value(v), "https://www.spamcop.net/bl.shtml?203.0.113.7") != NULL;
	assert_int_equal(urls, 2);
	/* grouped by cause, correlations listed with their evidence. */
	assert_int_equal(json_array_size(json_object_get(s, "correlations")), 2);
	assert_string_equal(jstr(json_array_get(json_object_get(s, "causes"), 0), "cause"),
			    "mailer-sent-mail");
	json_decref(s);
	mw_report_free(r);
}

static void test_headline_failures_and_clean(void **state)
{
	struct mw_audit_check c[6];
	struct mw_audit_input in;
	struct mw_report *r = mw_report_new("audit");
	char *dump;
	json_t *s;

	(void)state;
	memcpy(c, all_ok, sizeof(c));
	in = input(c, 6);
	s = mw_audit_summarize(r, &in);
	assert_string_equal(jstr(s, "verdict"), "clean");
	assert_string_equal(jstr(s, "headline"), "not listed on the checked lists; no cause found");
	assert_int_equal(json_array_size(json_object_get(s, "plan")), 0);
	json_decref(s);

	c[0].status = MW_AUDIT_NOTIMPL;
	c[2].status = MW_AUDIT_FAILED;
	s = mw_audit_summarize(r, &in);
	assert_string_equal(jstr(s, "verdict"), "incomplete");
	assert_string_equal(jstr(s, "headline"), "blocklist status unknown; 2 checks could not "
			    "run: dnsbl (not implemented), scan (failed)");
	json_decref(s);

	/* No lookup, but the logs show refusals citing a list. */
	add_details(r, "logs", "logs.blocklist-rejection", MW_SEV_MEDIUM, "refused", NULL, NULL,
		    json_pack("{s:s, s:s}", "list", "zen.spamhaus.org", "mx", "mx.example.com"));
	s = mw_audit_summarize(r, &in);
	assert_string_equal(jstr(s, "headline"), "mail refused citing 1 blocklist; findings need "
			    "review; 2 checks could not run: dnsbl (not implemented), scan (failed)");
	dump = json_dumps(json_object_get(s, "plan"), 0);
	assert_non_null(strstr(dump, "zen.spamhaus.org was cited in rejections"));
	free(dump);
	json_decref(s);
	mw_report_free(r);
	r = mw_report_new("audit");

	/* --apply done: the firewall step says so instead of recommending it. */
	add_scan(r, MAILER, "mailer.x", 33);
	in = input(all_ok, 6);
	in.firewall_applied = 1;
	s = mw_audit_summarize(r, &in);
	assert_string_equal(jstr(s, "verdict"), "compromised");
	assert_string_equal(jstr(s, "headline"), "not listed on the checked lists; likely "
			    "cause: PHP mailer at " MAILER);
	dump = json_dumps(json_object_get(s, "plan"), 0);
	assert_non_null(dump);
	assert_non_null(strstr(dump, "done by this run"));
	free(dump);
	json_decref(s);
	mw_report_free(r);
}

/* FNV-1a over three NUL-terminated "tag=value" fields. */
static unsigned long long fnv_fields(const char *a, const char *b, const char *c)
{
	const char *v[3] = { a, b, c };
	unsigned long long h = 0xcbf29ce484222325ull;
	const unsigned char *p;
	size_t i;

	for (i = 0; i < 3; i++) {
		for (p = (const unsigned char *)v[i]; *p; p++)
			h = (h ^ *p) * 0x100000001b3ull;
		h = (h ^ 0) * 0x100000001b3ull;
	}
	return h;
}

static int keep_odd(void *arg, size_t i, const struct mw_stored_finding *f)
{
	(void)arg;
	(void)f;
	return i % 2 == 1;
}

/*
 * The report keeps raw bytes, the audit filters and annotates in place,
 * and the writers escape exactly once; ids hash the escaped form.
 */
static void test_raw_report_escaped_once(void **state)
{
	struct mw_report *a = mw_report_new("x");
	const char *lines[] = { "line\\with\x01 ctl" };
	const struct mw_stored_finding *fa;
	struct mw_write_opts wo = { 0, 0, "h" };
	struct mw_finding f;
	char ida[MW_FINDING_ID_LEN], idb[MW_FINDING_ID_LEN];
	char *buf = NULL;
	size_t len = 0, i;
	FILE *m;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.check = "scan";
	f.rule_id = "mailer.x";
	f.title = "t\\itle\n";
	f.path = "/var/www/evil\\name\x1b[2J.php";
	f.log_lines = lines;
	f.n_log_lines = 1;
	f.details = json_pack("{s:s, s:[s]}", "k\\ey", "v\\al\n", "a", "\x01\x7f");
	assert_int_equal(mw_report_add(a, &f), MW_OK);
	json_decref(f.details);
	f.path = "/var/www/other.php";
	f.details = NULL;
	assert_int_equal(mw_report_add(a, &f), MW_OK);
	mw_report_error(a, "scan", "/p\\q", 3, MW_ERR_PARSE, "bad \\ thing");
	mw_report_set_data(a, "scan", json_pack("{s:s}", "root", "/var/w\\ww"), NULL);

	/* stored as given */
	fa = mw_report_finding(a, 0);
	assert_string_equal(fa->path, "/var/www/evil\\name\x1b[2J.php");
	assert_string_equal(fa->log_lines[0], lines[0]);
	assert_string_equal(mw_report_get_error(a, 0)->path, "/p\\q");

	/* the id is the FNV-1a of the escaped form, as the writers show it */
	mw_finding_id(fa, ida);
	snprintf(idb, sizeof(idb), "%016llx", (unsigned long long)fnv_fields(
		"check=scan", "rule=mailer.x", "path=/var/www/evil\\\\name\\x1b[2J.php"));
	assert_string_equal(ida, idb);
	f.path = "/var/www/evil\\name\\x1b[2J.php";	/* not the same file */
	assert_int_equal(mw_report_add(a, &f), MW_OK);

	/* in place: annotate, then keep every other one */
	assert_int_equal(mw_report_nfindings(a), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(mw_report_set_detail(a, i, "finding_id", json_string("00")), MW_OK);
	assert_int_equal(mw_report_retain(a, keep_odd, NULL), 2);
	assert_int_equal(mw_report_nfindings(a), 1);
	assert_string_equal(json_string_value(json_object_get(mw_report_finding(a, 0)->details,
							      "finding_id")), "00");

	/* text: escaped once, no control byte reaches the terminal */
	m = open_memstream(&buf, &len);
	assert_int_equal(mw_report_write(a, MW_FMT_TEXT, m, &wo), MW_OK);
	fclose(m);
	assert_null(memchr(buf, 0x1b, len));
	assert_null(memchr(buf, 0x01, len));
	assert_non_null(strstr(buf, "ERROR    [scan] /p\\\\q: line 3: bad \\\\ thing"));
	assert_non_null(strstr(buf, "root: /var/w\\\\ww"));
	free(buf);
	mw_report_free(a);
}

static void test_render_text(void **state)
{
	struct mw_report *r = incident_report("/var/www/x/wp-content/uploads/a.php");
	struct mw_audit_input in = input(all_ok, 6);
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	json_t *s;
	char *h, *p, *c;

	(void)state;
	mw_audit_correlate(r);
	s = mw_audit_summarize(r, &in);
	m = open_memstream(&buf, &len);
	assert_int_equal(mw_audit_render_text(m, s, 0), 0);
	fclose(m);
	h = strstr(buf, "headline: listed on 2 lists");
	p = strstr(buf, "remediation plan:");
	c = strstr(buf, "checks:");
	assert_non_null(h);
	assert_non_null(p);
	assert_non_null(c);
	assert_true(h < p && p < c);
	assert_non_null(strstr(buf, "  1. Stop the sender\n"));
	assert_non_null(strstr(buf, "  6. Request delisting\n"));
	assert_non_null(strstr(buf, "       $ mailwarden firewall --apply\n"));
	assert_null(strchr(buf, '\033'));
	free(buf);
	json_decref(s);
	mw_report_free(r);
}

static json_t *plan_step(json_t *s, const char *phase)
{
	json_t *step;
	size_t i;

	json_array_foreach(json_object_get(s, "plan"), i, step)
		if (!strcmp(jstr(step, "phase"), phase))
			return step;
	return NULL;
}

/* Issue 18 item 17: the hijacked SASL account is in "Reset compromised
 * accounts" first, however many forwarder owners there are; a forwarder
 * finding without an account (aliases, domains, system filters, pipes:
 * the forwarders check names none) resets nothing; the cap never drops a
 * high cause. */
static void test_reset_ranked_and_capped(void **state)
{
	struct mw_report *r = mw_report_new("audit");
	struct mw_audit_input in = input(all_ok, 6);
	json_t *s, *acts, *v;
	char owner[32], *dump;
	size_t i, highs = 0;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(owner, sizeof(owner), "user%02zu", i);
		add_fwd(r, "forwarders.external", i < 30 ? MW_SEV_MEDIUM : MW_SEV_HIGH, "fwd",
			owner, "x@ext.example", "forward", owner);
	}
	/* what fwd_report.c names no account for (test_forwarders_judge.c) */
	add_fwd(r, "forwarders.recent-external", MW_SEV_HIGH, "alias", "webmaster",
		"w@ext.example", "aliases", NULL);
	add_fwd(r, "forwarders.hidden-forward", MW_SEV_HIGH, "dom", "shop.example",
		"d@ext.example", "cpanel", NULL);
	add_fwd(r, "forwarders.external", MW_SEV_HIGH, "sys", "(system filter)",
		"s@ext.example", "exim-filter", NULL);
	add_fwd(r, "forwarders.pipe", MW_SEV_HIGH, "pipe", "piper", "/tmp/x.sh", "forward", NULL);
	add_details(r, "logs", "logs.sasl-many-ips", MW_SEV_HIGH,
		    "SASL user victim@example.org logged in from 12 addresses", NULL, NULL,
		    json_pack("{s:s, s:i, s:i}", "sasl_username", "victim@example.org",
			      "ips", 12, "logins", 35));
	s = mw_audit_summarize(r, &in);
	acts = json_object_get(plan_step(s, "reset-account"), "actions");
	assert_non_null(strstr(json_string_value(json_array_get(acts, 0)),
			       "victim@example.org: disable SMTP AUTH"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(
				    plan_step(s, "reset-account"), "commands"), 0)),
			    "mailwarden account victim@example.org --respond --apply");
	/* the ten high owners come next, all of them */
	for (i = 1; i <= 10; i++)
		highs += strstr(json_string_value(json_array_get(acts, i)), "user3") != NULL;
	assert_int_equal(highs, 10);
	dump = json_dumps(acts, 0);
	assert_null(strstr(dump, "webmaster:"));
	assert_null(strstr(dump, "shop.example:"));
	assert_null(strstr(dump, "(system filter)"));
	assert_null(strstr(dump, "piper:"));
	assert_non_null(strstr(dump, "... and 16 more"));
	free(dump);
	json_array_foreach(acts, i, v)
		assert_non_null(json_string_value(v));
	json_decref(s);
	mw_report_free(r);
}

/* Issue 22: a login that is not a plain name never reaches the reset
 * step's command line (the reader may paste it). */
static void test_reset_command_only_for_plain_names(void **state)
{
	struct mw_report *r = mw_report_new("audit");
	struct mw_audit_input in = input(all_ok, 6);
	json_t *s, *cmds;

	(void)state;
	add_details(r, "logs", "logs.sasl-many-ips", MW_SEV_HIGH, "hostile", NULL, NULL,
		    json_pack("{s:s, s:i, s:i}", "sasl_username", "x;reboot@example.org",
			      "ips", 11, "logins", 30));
	s = mw_audit_summarize(r, &in);
	cmds = json_object_get(plan_step(s, "reset-account"), "commands");
	assert_int_equal(json_array_size(json_object_get(plan_step(s, "reset-account"),
							 "actions")), 1);
	assert_int_equal(json_array_size(cmds), 0);
	json_decref(s);
	mw_report_free(r);
}

/* Issue 18 item 18: one file, one line; its own mails, not its user's. */
static void test_one_line_per_file(void **state)
{
	const char *cache = "/var/www/site/wp-content/cache/wp-cache.php";
	struct mw_report *r = mw_report_new("audit");
	struct mw_audit_input in = input(all_ok, 6);
	const struct mw_stored_finding *c;
	json_t *s, *acts;

	(void)state;
	add_scan(r, cache, "mailer.post-recipients-loop", 33);
	add_scan(r, cache, "mailer.hand-built-headers", 33);
	add_details(r, "logs", "logs.php-mail-script", MW_SEV_HIGH,
		    "PHP script sent 40 messages", NULL, NULL,
		    json_pack("{s:n, s:n, s:i, s:[s], s:[]}", "uid", "user", "messages", 40,
			      "scripts", cache, "cwds"));
	add_details(r, "logs", "logs.web-user-mail", MW_SEV_HIGH,
		    "42 messages by www-data", NULL, NULL,
		    json_pack("{s:i, s:s, s:i, s:[s, s], s:[], s:[{s:s, s:i}, {s:s, s:i}]}",
			      "uid", 33, "user", "www-data", "messages", 42,
			      "scripts", "wp-cache.php", "contact.php", "cwds",
			      "script_counts", "script", "wp-cache.php", "messages", 40,
			      "script", "contact.php", "messages", 2));
	assert_int_equal(mw_audit_correlate(r), 1);
	c = find_rule(r, "audit.mailer-sent-mail", 0);
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c->details, "messages")), 40);
	assert_string_equal(json_string_value(json_object_get(c->details, "user")), "www-data");
	assert_int_equal(json_array_size(json_object_get(c->details, "evidence")), 4);
	s = mw_audit_summarize(r, &in);
	acts = json_object_get(plan_step(s, "stop-sender"), "actions");
	assert_int_equal(json_array_size(acts), 1);
	assert_non_null(strstr(json_string_value(json_array_get(acts, 0)),
			       "wp-cache.php sent 40 mails as www-data"));
	json_decref(s);
	mw_report_free(r);

	/* Nobody known: "unknown owner", never "?". */
	r = mw_report_new("audit");
	{
		struct mw_finding f;

		memset(&f, 0, sizeof(f));
		f.check = "scan";
		f.rule_id = "mailer.x";
		f.cause = MW_CAUSE_WEB_MAILER;
		f.severity = MW_SEV_CRITICAL;
		f.title = "m";
		f.path = cache;
		assert_int_equal(mw_report_add(r, &f), MW_OK);
	}
	add_details(r, "logs", "logs.php-mail-script", MW_SEV_HIGH, "t", NULL, NULL,
		    json_pack("{s:n, s:n, s:i, s:[s], s:[]}", "uid", "user", "messages", 40,
			      "scripts", cache, "cwds"));
	assert_int_equal(mw_audit_correlate(r), 1);
	s = mw_audit_summarize(r, &in);
	acts = json_object_get(plan_step(s, "stop-sender"), "actions");
	assert_non_null(strstr(json_string_value(json_array_get(acts, 0)),
			       "sent 40 mails as unknown owner"));
	json_decref(s);
	mw_report_free(r);
}

/* Issue 18 items 19 and 20: the top script is named; every critical cause
 * is in the headline, without doubled prefixes; "all" is the whole log. */
static void test_headline_every_critical_cause(void **state)
{
	struct mw_report *r = mw_report_new("audit");
	struct mw_audit_input in = input(all_ok, 6);
	json_t *s;

	(void)state;
	in.logs_window = "all";
	add_details(r, "logs", "logs.web-user-mail", MW_SEV_HIGH, "t", NULL, NULL,
		    json_pack("{s:i, s:s, s:i, s:[s, s], s:[]}", "uid", 33, "user",
			      "www-data", "messages", 42, "scripts", "wp-cache.php",
			      "contact.php", "cwds"));
	add_details(r, "relay", "relay.open-relay", MW_SEV_CRITICAL,
		    "open relay: 16/16 variants relayed for a stranger", NULL, NULL, NULL);
	add_details(r, "logs", "logs.sasl-many-ips", MW_SEV_HIGH, "t", NULL, NULL,
		    json_pack("{s:s, s:i}", "sasl_username", "victim@example.org", "ips", 12));
	s = mw_audit_summarize(r, &in);
	assert_string_equal(jstr(s, "headline"),
			    "not listed on the checked lists; likely cause: mail submitted by "
			    "www-data, 42 mails in the whole log, top script wp-cache.php; also "
			    "SMTP AUTH abuse of victim@example.org from 12 IPs; also open relay: "
			    "16/16 variants relayed for a stranger");
	json_decref(s);
	mw_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finding_id_stable),
		cmocka_unit_test(test_correlate_script_path),
		cmocka_unit_test(test_correlate_weak_matches),
		cmocka_unit_test(test_correlate_queue),
		cmocka_unit_test(test_headline_and_plan),
		cmocka_unit_test(test_headline_failures_and_clean),
		cmocka_unit_test(test_raw_report_escaped_once),
		cmocka_unit_test(test_render_text),
		cmocka_unit_test(test_reset_ranked_and_capped),
		cmocka_unit_test(test_reset_command_only_for_plain_names),
		cmocka_unit_test(test_one_line_per_file),
		cmocka_unit_test(test_headline_every_critical_cause),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
