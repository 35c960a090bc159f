#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "audit/metrics.h"

static size_t check_slot(struct mw_audit_metrics *m, const char *check)
{
	size_t i;

	for (i = 0; i < m->nchecks; i++)
		if (!strcmp(m->check[i], check))
			return i;
	if (m->nchecks == MW_METRICS_MAX_CHECKS - 1 && strcmp(check, "other"))
		return check_slot(m, "other");
	snprintf(m->check[m->nchecks], sizeof(m->check[0]), "%s", check);
	return m->nchecks++;
}

void mw_audit_metrics_count(struct mw_audit_metrics *m, struct mw_report *r)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < mw_report_nfindings(r); i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);
		/* check names are the program's own, but only up to 31 bytes
		 * of [a-z0-9_-] make a label */
		const char *c = f->check && strlen(f->check) < 32 &&
				strspn(f->check, "abcdefghijklmnopqrstuvwxyz0123456789_-") ==
				strlen(f->check) ? f->check : "other";

		if ((unsigned)f->severity < MW_SEV__COUNT)
			m->count[check_slot(m, c)][f->severity]++;
	}
}

/* A label value as the exposition format wants it: \\, \" and \n. */
static enum mw_err put_label(struct mw_buf *b, const char *raw)
{
	char *s = mw_escape_str(raw);	/* no control bytes, valid UTF-8 */
	enum mw_err e = s ? MW_OK : MW_ERR_NOMEM;

	for (const char *p = s; !e && p && *p; p++)
		e = *p == '\\' || *p == '"' ? mw_buf_printf(b, "\\%c", *p) :
		    mw_buf_append(b, p, 1);
	free(s);
	return e;
}

static enum mw_err head(struct mw_buf *b, const char *name, const char *help)
{
	return mw_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* The number at key in data.section, or -1 when absent. */
static double data_number(struct mw_report *r, const char *section, const char *key)
{
	const json_t *v = json_object_get(mw_report_data(r, section), key);

	return json_is_number(v) ? json_number_value(v) : -1;
}

static enum mw_err render_findings(const struct mw_audit_metrics *m,
				   const struct mw_audit_check *checks, size_t nchecks,
				   size_t new_findings, struct mw_buf *b)
{
	struct mw_audit_metrics all = *m;
	enum mw_err e;
	size_t i;
	int s;

	/* a check that ran and found nothing shows zeros, not nothing: an
	 * alert on "> 0" must see the value go back down */
	for (i = 0; i < nchecks; i++)
		if (checks[i].status == MW_AUDIT_OK)
			check_slot(&all, checks[i].name);
	e = head(b, "mailwarden_findings", "Findings of the last audit by check and severity "
		 "(nightly runs: every open finding, not only the new ones).");
	for (i = 0; !e && i < all.nchecks; i++)
		for (s = 0; !e && s < MW_SEV__COUNT; s++)
			e = mw_buf_printf(b, "mailwarden_findings{check=\"%s\",severity=\"%s\"} %zu\n",
					  all.check[i], mw_severity_name((enum mw_severity)s),
					  all.count[i][s]);
	if (!e)
		e = head(b, "mailwarden_new_findings", "Findings the last audit reported as new "
			 "(nightly: not seen before; otherwise every finding).");
	if (!e)
		e = mw_buf_printf(b, "mailwarden_new_findings %zu\n", new_findings);
	if (!e)
		e = head(b, "mailwarden_check_success", "1 when the check ran, 0 when it could not "
			 "(skipped checks are absent).");
	for (i = 0; !e && i < nchecks; i++)
		if (checks[i].status == MW_AUDIT_OK || checks[i].status == MW_AUDIT_FAILED)
			e = mw_buf_printf(b, "mailwarden_check_success{check=\"%s\"} %d\n",
					  checks[i].name, checks[i].status == MW_AUDIT_OK);
	if (!e)
		e = head(b, "mailwarden_check_duration_seconds", "Wall time of each check.");
	for (i = 0; !e && i < nchecks; i++)
		if (checks[i].status == MW_AUDIT_OK || checks[i].status == MW_AUDIT_FAILED)
			e = mw_buf_printf(b, "mailwarden_check_duration_seconds{check=\"%s\"} %.3f\n",
					  checks[i].name, checks[i].seconds);
	return e;
}

/* Addresses listed per list zone; every list the run asked shows 0 too. */
static enum mw_err render_dnsbl(struct mw_report *r, struct mw_buf *b)
{
	const json_t *d = mw_report_data(r, "dnsbl"), *lists, *results, *it;
	const char *zone[MW_MAX_METRIC_LABELS];
	size_t listed[MW_MAX_METRIC_LABELS], n = 0, i, k;
	enum mw_err e;

	if (!d)
		return MW_OK;
	lists = json_object_get(d, "lists");
	results = json_object_get(d, "results");
	json_array_foreach(lists, i, it) {
		const char *z = json_string_value(json_object_get(it, "zone"));

		if (z && n < MW_MAX_METRIC_LABELS) {
			zone[n] = z;
			listed[n++] = 0;
		}
	}
	json_array_foreach(results, i, it) {
		const char *z = json_string_value(json_object_get(it, "list"));
		const char *v = json_string_value(json_object_get(it, "verdict"));

		for (k = 0; z && v && !strcmp(v, "listed") && k < n; k++)
			if (!strcmp(zone[k], z))
				listed[k]++;
	}
	e = head(b, "mailwarden_dnsbl_listed", "Sending addresses of this host listed on each "
		 "DNS blocklist.");
	for (k = 0; !e && k < n; k++) {
		e = mw_buf_printf(b, "mailwarden_dnsbl_listed{list=\"");
		if (!e)
			e = put_label(b, zone[k]);
		if (!e)
			e = mw_buf_printf(b, "\"} %zu\n", listed[k]);
	}
	return e;
}

/* One unlabelled gauge from a number in a data section (absent: nothing). */
static enum mw_err render_value(struct mw_buf *b, const char *name, const char *help,
				double v, double scale)
{
	enum mw_err e;

	if (v < 0)
		return MW_OK;
	e = head(b, name, help);
	return e ? e : mw_buf_printf(b, "%s %.15g\n", name, v * scale);
}

/* The gauges read from the checks' data sections: data.SECTION.KEY * scale. */
static const struct {
	const char *name, *help, *section, *key;
	double scale;
} data_gauges[] = {
	{ "mailwarden_queue_messages", "Messages in the MTA's queue.", "queue", "messages", 1 },
	{ "mailwarden_queue_bytes", "Bytes in the MTA's queue.", "queue", "bytes", 1 },
	{ "mailwarden_scan_files", "Files the web-root scan walked.", "scan", "files", 1 },
	{ "mailwarden_scan_bytes", "Bytes the web-root scan read.", "scan", "bytes", 1 },
	{ "mailwarden_scan_seconds", "Wall time of the web-root scan.", "scan", "duration_ms",
	  0.001 },
};

enum mw_err mw_audit_metrics_render(const struct mw_audit_metrics *m, struct mw_report *r,
				    const json_t *firewall,
				    const struct mw_audit_check *checks, size_t nchecks,
				    size_t new_findings, int64_t now, struct mw_buf *out)
{
	const json_t *fw = json_object_get(mw_report_data(r, "firewall") ?
					   mw_report_data(r, "firewall") : firewall, "present");
	double seconds = 0;
	enum mw_err e;
	size_t i;

	for (i = 0; i < nchecks; i++)
		seconds += checks[i].seconds;
	e = render_findings(m, checks, nchecks, new_findings, out);
	if (!e)
		e = render_dnsbl(r, out);
	for (i = 0; !e && i < sizeof(data_gauges) / sizeof(data_gauges[0]); i++)
		e = render_value(out, data_gauges[i].name, data_gauges[i].help,
				 data_number(r, data_gauges[i].section, data_gauges[i].key),
				 data_gauges[i].scale);
	if (!e)
		e = render_value(out, "mailwarden_firewall_installed", "1 when the nftables table "
				 "inet mailwarden is in the kernel.",
				 json_is_boolean(fw) ? json_is_true(fw) : -1, 1);
	if (!e)
		e = render_value(out, "mailwarden_last_run_errors", "Errors of the last audit "
				 "(a check or file that could not be read).",
				 (double)mw_report_nerrors(r), 1);
	if (!e)
		e = render_value(out, "mailwarden_last_run_duration_seconds", "Wall time of the "
				 "last audit's checks.", seconds, 1);
	if (!e)
		e = render_value(out, "mailwarden_last_run_timestamp_seconds", "When the last "
				 "audit finished (Unix time).", (double)now, 1);
	return e;
}

enum mw_err mw_audit_metrics_write(const char *dir, const char *text, size_t len,
				   char *err, size_t errlen)
{
	char tmp[64];
	int dfd, fd = -1, tries, rc;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return MW_ERR_IO;
	}
	/* node_exporter reads only *.prom: the temporary name is invisible */
	for (tries = 0; fd < 0 && tries < 2; tries++) {
		snprintf(tmp, sizeof(tmp), "." MW_METRICS_FILE ".%ld", (long)getpid());
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno == EEXIST)
			unlinkat(dfd, tmp, 0);	/* left by a crashed run with our pid */
		else if (fd < 0)
			break;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s/%s: %s", dir, tmp, strerror(errno));
		close(dfd);
		return MW_ERR_IO;
	}
	/* the unit's umask is 0077; the collector runs as another user */
	rc = fchmod(fd, 0644) != 0 || mw_write_all(fd, text, len) != 0 || fsync(fd) != 0;
	if (close(fd) != 0)
		rc = 1;
	if (rc || renameat(dfd, tmp, dfd, MW_METRICS_FILE) != 0) {
		snprintf(err, errlen, "%s/%s: %s", dir, MW_METRICS_FILE, strerror(errno));
		unlinkat(dfd, tmp, 0);
		close(dfd);
		return MW_ERR_IO;
	}
	close(dfd);
	return MW_OK;
}
