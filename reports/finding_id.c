/*
 * Stable ids of findings and errors (reports/report.h). The strings are
 * hashed in their escaped form, as the writers show them: an id can be
 * recomputed from the JSON output, and ids recorded in a nightly state
 * before the report kept raw bytes stay valid.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "reports/report.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv_bytes(uint64_t h, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * FNV_PRIME;
	return h;
}

/* Hash tag=value\0 (which keeps "a"+"bc" apart from "ab"+"c"), the value
 * escaped; NULL values are left out. */
static uint64_t fnv_add(uint64_t h, const char *tag, const char *s)
{
	char *e;

	if (!s)
		return h;
	h = fnv_bytes(h, tag);
	h = (h ^ '=') * FNV_PRIME;
	e = mw_escape_str(s);
	/* out of memory: the raw bytes, equal to the escaped form for
	 * printable text, which nearly every identity is */
	h = fnv_bytes(h, e ? e : s);
	free(e);
	return (h ^ 0) * FNV_PRIME;
}

/* Detail keys that name what a finding is about (not how much). */
static const char *const id_detail_keys[] = {
	"owner", "destination", "source", "user", "uid", "sasl_username",
	"list", "mx", "key",
};

void mw_finding_id(const struct mw_stored_finding *f, char out[MW_FINDING_ID_LEN])
{
	uint64_t h = FNV_OFFSET;
	char num[32];
	size_t i;

	h = fnv_add(h, "check", f->check);
	h = fnv_add(h, "rule", f->rule_id);
	h = fnv_add(h, "path", f->path);
	h = fnv_add(h, "ip", f->ip);
	h = fnv_add(h, "list", f->list);
	for (i = 0; f->details && i < sizeof(id_detail_keys) / sizeof(id_detail_keys[0]); i++) {
		json_t *v = json_object_get(f->details, id_detail_keys[i]);

		if (json_is_string(v)) {
			h = fnv_add(h, id_detail_keys[i], json_string_value(v));
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			h = fnv_add(h, id_detail_keys[i], num);
		}
	}
	snprintf(out, MW_FINDING_ID_LEN, "%016llx", (unsigned long long)h);
}

void mw_error_id(const struct mw_report_error *e, char out[MW_FINDING_ID_LEN])
{
	uint64_t h = FNV_OFFSET;
	char num[32];

	snprintf(num, sizeof(num), "%lu", e->line);
	h = fnv_add(h, "check", e->check);
	h = fnv_add(h, "path", e->path);
	h = fnv_add(h, "line", num);
	h = fnv_add(h, "message", e->message);
	snprintf(out, MW_FINDING_ID_LEN, "%016llx", (unsigned long long)h);
}
