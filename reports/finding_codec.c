/*
 * The finding codec of the scan cache (reports/report.h): a finding's own
 * fields as a JSON object that json_dumps can write and json_loads reads
 * back byte for byte. Text that is not UTF-8 (an excerpt of attacker
 * bytes) goes under "<key>_hex"; escaping is the writers' business only.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

/* The encoded fields besides severity, line and details. */
enum { S_RULE, S_TITLE, S_FAMILY, S_EXCERPT, S_REMEDIATION };
static const char *const keys[MW_FINDING_CODEC_STRINGS] = {
	"rule_id", "title", "family", "excerpt", "remediation",
};

static int put_str(json_t *o, const char *key, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	char name[32], *h;
	size_t n, i;
	json_t *j;
	int rc;

	if (!v)
		return 0;
	j = json_string(v);
	if (j)
		return json_object_set_new(o, key, j);
	n = strlen(v);
	h = malloc(2 * n + 1);
	if (!h)
		return -1;
	for (i = 0; i < n; i++) {
		h[2 * i] = hex[(unsigned char)v[i] >> 4];
		h[2 * i + 1] = hex[(unsigned char)v[i] & 15];
	}
	h[2 * n] = '\0';
	snprintf(name, sizeof(name), "%s_hex", key);
	rc = json_object_set_new(o, name, json_string(h));
	free(h);
	return rc;
}

json_t *mw_finding_encode(const struct mw_finding *f)
{
	const char *v[MW_FINDING_CODEC_STRINGS] = {
		f->rule_id, f->title, f->family, f->excerpt, f->remediation,
	};
	json_t *o = json_object();
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < MW_FINDING_CODEC_STRINGS; i++)
		if (put_str(o, keys[i], v[i]))
			goto fail;
	if ((mw_cause_name(f->cause) &&
	     json_object_set_new(o, "cause", json_string(mw_cause_name(f->cause)))) ||
	    json_object_set_new(o, "severity", json_integer(f->severity)) ||
	    (f->line && json_object_set_new(o, "line", json_integer((json_int_t)f->line))) ||
	    (f->details && json_object_set_new(o, "details", json_deep_copy(f->details))))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The string under key, or the bytes under key_hex (a NUL byte, which a C
 * string cannot hold, becomes a space); NULL when absent or malformed. */
static const char *get_str(const json_t *j, const char *key, char **own)
{
	const char *h;
	char name[32];
	size_t n, i;
	int hi, lo;

	*own = NULL;
	if (json_is_string(json_object_get(j, key)))
		return json_string_value(json_object_get(j, key));
	snprintf(name, sizeof(name), "%s_hex", key);
	h = json_string_value(json_object_get(j, name));
	if (!h || (n = strlen(h)) % 2 || !(*own = malloc(n / 2 + 1)))
		return NULL;
	for (i = 0; i < n / 2; i++) {
		hi = hexval(h[2 * i]);
		lo = hexval(h[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(*own);
			*own = NULL;
			return NULL;
		}
		(*own)[i] = (char)(hi << 4 | lo);
		if (!(*own)[i])
			(*own)[i] = ' ';
	}
	(*own)[n / 2] = '\0';
	return *own;
}

int mw_finding_decode(const json_t *j, struct mw_finding *f, struct mw_finding_codec_buf *b)
{
	const char **v[MW_FINDING_CODEC_STRINGS] = {
		&f->rule_id, &f->title, &f->family, &f->excerpt, &f->remediation,
	};
	json_int_t sev = json_integer_value(json_object_get(j, "severity"));
	json_int_t line = json_integer_value(json_object_get(j, "line"));
	json_t *details = json_object_get(j, "details");
	const char *cause = json_string_value(json_object_get(j, "cause"));
	size_t i;

	memset(b, 0, sizeof(*b));
	if (!json_is_object(j))
		return -1;
	for (i = 0; i < MW_FINDING_CODEC_STRINGS; i++)
		*v[i] = get_str(j, keys[i], &b->own[i]);
	f->severity = sev >= 0 && sev < MW_SEV__COUNT ? (enum mw_severity)sev : MW_SEV_CRITICAL;
	f->line = line > 0 ? (unsigned long)line : 0;
	f->cause = cause ? mw_cause_parse(cause, strlen(cause)) : MW_CAUSE_NONE;
	f->details = json_is_object(details) ? details : NULL;
	if (!f->rule_id || !f->title) {
		mw_finding_codec_buf_free(b);
		return -1;
	}
	return 0;
}

void mw_finding_codec_buf_free(struct mw_finding_codec_buf *b)
{
	size_t i;

	for (i = 0; i < MW_FINDING_CODEC_STRINGS; i++) {
		free(b->own[i]);
		b->own[i] = NULL;
	}
}
