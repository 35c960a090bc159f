/*
 * libFuzzer target: the audit's correlation, plan and renderer over
 * findings whose details come from the input (JSON: an array of objects
 * {"check", "rule_id", "severity", "cause", "path", "ip", "list", "uid",
 * "details"}; without "cause", the finding's index picks one).
 * Checks are other people's code: their details may have any shape.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "audit/audit.h"

#define MAX_FINDINGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mw_audit_check checks[] = {
		{ "dnsbl", MW_AUDIT_OK, "dnsbl", NULL, 0, 0 },
		{ "logs", MW_AUDIT_FAILED, "logs", "x", 0, 0 },
		{ "scan", MW_AUDIT_OK, "scan", NULL, 0, 0 },
		{ "firewall", MW_AUDIT_NOTIMPL, "firewall", "y", 0, 0 },
	};
	struct mw_audit_input in = { checks, 4, "7d", 0, 0, NULL };
	json_t *root = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	json_t *item, *s;
	struct mw_report *r;
	char *buf = NULL;
	size_t i, len = 0;
	FILE *m;

	if (!json_is_array(root)) {
		json_decref(root);
		return 0;
	}
	r = mw_report_new("audit");
	json_array_foreach(root, i, item) {
		struct mw_finding f;
		json_t *uid = json_object_get(item, "uid");
		json_t *cause = json_object_get(item, "cause");

		if (i >= MAX_FINDINGS)
			break;
		memset(&f, 0, sizeof(f));
		f.check = str(item, "check");
		f.rule_id = str(item, "rule_id");
		f.title = "t";
		f.cause = (enum mw_cause)((json_is_integer(cause) ?
					   (size_t)json_integer_value(cause) : i) % MW_CAUSE__COUNT);
		f.severity = (enum mw_severity)(json_integer_value(json_object_get(item, "severity")) & 7);
		f.path = str(item, "path");
		f.ip = str(item, "ip");
		f.list = str(item, "list");
		if (json_is_integer(uid)) {
			f.file.valid = 1;
			f.file.uid = (uid_t)json_integer_value(uid);
		}
		f.details = json_object_get(item, "details");
		if (f.details && !json_is_object(f.details))
			f.details = NULL;
		if (f.check && f.rule_id)
			mw_report_add(r, &f);
	}
	mw_audit_correlate(r);
	in.firewall_applied = (int)(size & 1);
	s = mw_audit_summarize(r, &in);
	if (s) {
		m = open_memstream(&buf, &len);
		if (m) {
			mw_audit_render_text(m, s, (int)(size & 2));
			fclose(m);
		}
		free(buf);
	}
	json_decref(s);
	mw_report_free(r);
	json_decref(root);
	return 0;
}
