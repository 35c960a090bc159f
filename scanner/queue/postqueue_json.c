/*
 * One line of `postqueue -j` (Postfix >= 3.1): a JSON object per message,
 *   {"queue_name": "deferred", "queue_id": "AD424A720EB",
 *    "arrival_time": 1796580231, "message_size": 328, "forced_expire": false,
 *    "sender": "www-data@localhost",
 *    "recipients": [{"address": "a@example.com",
 *                    "delay_reason": "connect to ...: Connection refused"}]}
 * Every value is written by whoever submitted the message (or the remote
 * MX for delay_reason): copies are bounded and nothing is trusted.
 */
#include <string.h>

#include "scanner/queue/queue_impl.h"

static enum qname queue_name(const char *s)
{
	static const struct { const char *n; enum qname q; } t[] = {
		{ "active", QN_ACTIVE }, { "deferred", QN_DEFERRED },
		{ "hold", QN_HOLD }, { "incoming", QN_INCOMING },
		{ "maildrop", QN_MAILDROP },
	};
	size_t i;

	for (i = 0; s && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].n) == 0)
			return t[i].q;
	return QN_OTHER;
}

/* A queue id: Postfix uses [0-9A-Za-z] only; anything else is refused so
 * that an id can go to postsuper's stdin and into the journal as is. */
static int id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= QMAX_ID)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		      (c >= 'a' && c <= 'z')))
			return 0;
	}
	return 1;
}

static enum mw_err take_recipients(const json_t *rc, struct qmsg *m)
{
	size_t i;
	json_t *r;

	if (!json_is_array(rc))
		return MW_OK;
	json_array_foreach(rc, i, r) {
		json_t *a = json_object_get(r, "address");
		json_t *d = json_object_get(r, "delay_reason");
		enum mw_err e;

		m->n_rcpt++;
		if (json_is_string(a)) {
			e = mw_qmsg_add_domain(m, json_string_value(a), json_string_length(a));
			if (e)
				return e;
		}
		if (json_is_string(d)) {
			e = mw_qmsg_set_reason(m, json_string_value(d), json_string_length(d));
			if (e)
				return e;
		}
	}
	return MW_OK;
}

enum mw_err mw_postqueue_json_line(const char *line, size_t n, struct qmsg *m)
{
	json_t *o, *v;
	enum mw_err e = MW_OK;
	json_error_t jerr;

	mw_qmsg_clear(m);
	if (n > QMAX_LINE)
		return MW_ERR_PARSE;
	o = json_loadb(line, n, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &jerr);
	if (!o)
		return MW_ERR_PARSE;
	v = json_object_get(o, "queue_id");
	if (!json_is_object(o) || !json_is_string(v) ||
	    !id_ok(json_string_value(v), json_string_length(v))) {
		json_decref(o);
		return MW_ERR_PARSE;
	}
	memcpy(m->id, json_string_value(v), json_string_length(v) + 1);
	v = json_object_get(o, "queue_name");
	m->queue = queue_name(json_is_string(v) ? json_string_value(v) : NULL);
	m->held = m->queue == QN_HOLD;
	v = json_object_get(o, "arrival_time");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		m->arrival = json_integer_value(v);
	v = json_object_get(o, "message_size");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		m->size = json_integer_value(v);
	v = json_object_get(o, "sender");
	m->sender = json_is_string(v) ? mw_qfield_dup(json_string_value(v), json_string_length(v))
				      : mw_qfield_dup("", 0);
	if (!m->sender)
		e = MW_ERR_NOMEM;
	if (!e)
		e = take_recipients(json_object_get(o, "recipients"), m);
	json_decref(o);
	if (e)
		mw_qmsg_clear(m);
	return e;
}
