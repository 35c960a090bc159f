/*
 * The audit's numbers for Prometheus: DIR/mailwarden.prom in the text
 * exposition format, for node_exporter's textfile collector
 * (--collector.textfile.directory). Written atomically (a temporary file
 * in DIR renamed over the old one), so the collector never reads half a
 * file. Labels are bounded: check, severity and blocklist zone only, never
 * a path, a user or an address.
 */
#ifndef MW_AUDIT_METRICS_H
#define MW_AUDIT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/severity.h"
#include "reports/report.h"
#include "audit/audit.h"

#define MW_METRICS_FILE		"mailwarden.prom"
#define MW_METRICS_MAX_CHECKS	16	/* check label values; more count as "other" */

/* Findings by check and severity, counted before --nightly drops the seen. */
struct mw_audit_metrics {
	size_t nchecks;
	char check[MW_METRICS_MAX_CHECKS][32];
	size_t count[MW_METRICS_MAX_CHECKS][MW_SEV__COUNT];
};

/* Count every finding of r into m (m is reset first). */
void mw_audit_metrics_count(struct mw_audit_metrics *m, struct mw_report *r);

/*
 * Render the metrics into out: m's counts (every check that ran gets all
 * five severities, zeros included), new_findings, the checks' success and
 * duration from checks[], the run's timestamp (now), duration and error
 * count, and from r's data sections: DNSBL listings by list, queue size,
 * firewall table present (from firewall, the firewall check's data section
 * when r has none: a nightly run does not run that check), scan
 * files/bytes/seconds. MW_ERR_NOMEM when out cannot grow.
 */
enum mw_err mw_audit_metrics_render(const struct mw_audit_metrics *m, struct mw_report *r,
				    const json_t *firewall,
				    const struct mw_audit_check *checks, size_t nchecks,
				    size_t new_findings, int64_t now, struct mw_buf *out);

/*
 * Write text (len bytes) as dir/mailwarden.prom, mode 0644: a temporary
 * file created in dir (O_EXCL, no symlinks followed), fsync'ed, renamed
 * over the old one. dir itself must not be a symlink. Returns MW_OK or
 * MW_ERR_IO with a message in err.
 */
enum mw_err mw_audit_metrics_write(const char *dir, const char *text, size_t len,
				   char *err, size_t errlen);

#endif
