/*
 * The aggregator: joins Postfix queue ids and Exim message ids across the
 * lines of one message, counts senders, local users, SASL logins, client
 * IPs and hourly volume in capped tables, and keeps a few log lines as
 * evidence. This file holds its life cycle, the sources and the intake of
 * lines (syslog, Exim's own log, PHP's mail.log, the journal) with the
 * time window; what each event counts is in agg_events.c.
 * mw_ml_agg_report() (agg_report.c) turns this into the data section and the
 * findings.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/maillog/agg_internal.h"

static void free_user(struct ml_rec *r)
{
	struct user_rec *u = (struct user_rec *)r;
	size_t i;

	mw_ml_hset_free(&u->domains);
	for (i = 0; i < u->nscripts; i++)
		free(u->scripts[i]);
	for (i = 0; i < u->ncwds; i++)
		free(u->cwds[i]);
	mw_ml_samples_free(&u->samples);
}

static void free_sasl(struct ml_rec *r)
{
	struct sasl_rec *s = (struct sasl_rec *)r;

	mw_ml_hset_free(&s->ips);
	mw_ml_samples_free(&s->samples);
}

static void free_bl(struct ml_rec *r)
{
	mw_ml_samples_free(&((struct bl_rec *)r)->samples);
}

static void free_script(struct ml_rec *r)
{
	struct script_rec *s = (struct script_rec *)r;

	mw_ml_hset_free(&s->domains);
	mw_ml_samples_free(&s->samples);
}

struct ml_agg *mw_ml_agg_new(const struct ml_agg_opts *o)
{
	struct ml_agg *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->web_users = o->web_users;
	a->since = o->since;
	a->until = o->until;
	a->on_line = o->on_line;
	a->on_line_arg = o->on_line_arg;
	a->newest_seen = INT64_MIN;
	mw_ml_tab_init(&a->senders, sizeof(struct ml_rec), ML_MAX_KEYS, 1, NULL);
	mw_ml_tab_init(&a->users, sizeof(struct user_rec), ML_MAX_USERS, 1, free_user);
	mw_ml_tab_init(&a->sasl, sizeof(struct sasl_rec), ML_MAX_SASL_USERS, 1, free_sasl);
	mw_ml_tab_init(&a->ips, sizeof(struct ip_rec), ML_MAX_KEYS, 1, NULL);
	mw_ml_tab_init(&a->hours, sizeof(struct hour_rec), ML_MAX_HOURS, 1, NULL);
	mw_ml_tab_init(&a->bls, sizeof(struct bl_rec), 1000, 1, free_bl);
	mw_ml_tab_init(&a->scripts, sizeof(struct script_rec), ML_MAX_SCRIPT_KEYS, 1, free_script);
	mw_ml_tab_init(&a->pfq, sizeof(struct qent), ML_MAX_QUEUE, 0, NULL);
	mw_ml_tab_init(&a->exq, sizeof(struct qent), ML_MAX_QUEUE, 0, NULL);
	mw_ml_agg_providers_init(a);
	a->first = INT64_MAX;
	a->last = INT64_MIN;
	return a;
}

void mw_ml_agg_free(struct ml_agg *a)
{
	size_t i;

	if (!a)
		return;
	mw_ml_tab_free(&a->senders);
	mw_ml_tab_free(&a->users);
	mw_ml_tab_free(&a->sasl);
	mw_ml_tab_free(&a->ips);
	mw_ml_tab_free(&a->hours);
	mw_ml_tab_free(&a->bls);
	mw_ml_tab_free(&a->scripts);
	mw_ml_tab_free(&a->pfq);
	mw_ml_tab_free(&a->exq);
	mw_ml_agg_providers_free(a);
	mw_ml_samples_free(&a->relay_samples);
	for (i = 0; i < a->nsources; i++)
		free(a->sources[i].name);
	free(a->malformed_first_source);
	free(a);
}

void mw_ml_samples_free(struct ml_samples *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		free(s->line[i]);
	s->n = 0;
}

void mw_ml_agg_begin_source(struct ml_agg *a, const char *name, const char *kind)
{
	struct ml_source *s;

	if (a->nsources >= ML_MAX_SOURCES) {
		a->sources_dropped++;
		/* Evidence keeps naming the last source slot. */
		return;
	}
	s = &a->sources[a->nsources++];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	if (!s->name)
		s->name = NULL;
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	a->cur = s;
}

void mw_ml_agg_source_bytes(struct ml_agg *a, uint64_t bytes)
{
	if (a->cur)
		a->cur->bytes = bytes;
}

void mw_ml_agg_malformed(struct ml_agg *a, unsigned long lineno)
{
	a->malformed++;
	if (a->cur)
		a->cur->malformed++;
	if (!a->malformed_first_source && a->cur && a->cur->name) {
		a->malformed_first_source = strdup(a->cur->name);
		a->malformed_first_line = lineno;
	}
}

/* --- dispatch ------------------------------------------------------------ */

static int in_window(struct ml_agg *a, int64_t t)
{
	if (a->cur)
		a->cur->recognized++;
	if (t > a->newest_seen)
		a->newest_seen = t;
	if (t < a->since || t > a->until) {
		a->out_of_window++;
		return 0;
	}
	if (t < a->first)
		a->first = t;
	if (t > a->last)
		a->last = t;
	a->cur_time = t;
	return 1;
}

int mw_ml_agg_has_line_fn(const struct ml_agg *a)
{
	return a->on_line != NULL;
}

static void pass_line(struct ml_agg *a, struct ml_str host, struct ml_str ident,
		      struct ml_str msg)
{
	struct ml_line l = { a->cur_time, host, ident, msg };

	if (a->on_line)
		a->on_line(a->on_line_arg, &l);
}

static void dispatch_message(struct ml_agg *a, struct ml_str ident, struct ml_str msg,
			     const struct ml_clock *clk, unsigned long lineno)
{
	if (mw_ml_is_postfix_ident(ident)) {
		struct ml_pf_event ev;

		if (mw_ml_parse_postfix(ident, msg, &ev) != 0) {
			mw_ml_agg_malformed(a, lineno);
			return;
		}
		mw_agg_postfix_event(a, &ev);
		return;
	}
	if ((ident.n == 4 && memcmp(ident.p, "exim", 4) == 0) ||
	    (ident.n == 5 && memcmp(ident.p, "exim4", 5) == 0)) {
		struct ml_ex_event ev;

		if (mw_ml_parse_exim(msg.p, msg.n, 0, &ev) != 0) {
			mw_ml_agg_malformed(a, lineno);
			return;
		}
		(void)clk;
		mw_agg_exim_event(a, &ev);
		return;
	}
	if (memmem(msg.p, msg.n, "mail() on [", 11)) {
		struct ml_php_event pe;

		if (mw_ml_parse_php_mail(msg.p, msg.n, &pe) == 0) {
			mw_agg_php_event(a, &pe);
			return;
		}
	}
	a->other_lines++;
}

void mw_ml_agg_text_line(struct ml_agg *a, const char *line, size_t n,
		      int overlong, const struct ml_clock *clk,
		      unsigned long lineno)
{
	struct ml_syslog sl;

	a->lines++;
	if (a->cur)
		a->cur->lines++;
	if (overlong)
		a->overlong++;
	if (n == 0)
		return;
	a->cur_line = line;
	a->cur_len = n;
	a->cur_lineno = lineno;
	if (mw_ml_looks_exim(line, n)) {
		struct ml_ex_event ev;

		if (mw_ml_parse_exim(line, n, 1, &ev) != 0) {
			mw_ml_agg_malformed(a, lineno);
			return;
		}
		if (!ev.time_has_zone && clk)
			ev.time -= clk->tz_offset;
		if (!in_window(a, ev.time))
			return;
		pass_line(a, (struct ml_str){ "", 0 }, (struct ml_str){ "", 0 },
			  (struct ml_str){ line, n });
		mw_agg_exim_event(a, &ev);
		return;
	}
	if (mw_ml_parse_syslog(line, n, clk, &sl) == 0) {
		if (!in_window(a, sl.time))
			return;
		pass_line(a, sl.host, sl.ident, sl.msg);
		dispatch_message(a, sl.ident, sl.msg, clk, lineno);
		return;
	}
	if (memmem(line, n, "mail() on [", 11)) {
		struct ml_php_event pe;

		if (mw_ml_parse_php_mail(line, n, &pe) == 0) {
			/* PHP's own stamp puts the line in or out of the window */
			if (pe.has_time) {
				if (!pe.time_is_utc && clk)
					pe.time -= clk->tz_offset;
				if (!in_window(a, pe.time))
					return;
			} else if (a->cur) {
				a->cur->recognized++;
			}
			mw_agg_php_event(a, &pe);
			return;
		}
	}
	mw_ml_agg_malformed(a, lineno);
}

void mw_ml_agg_source_counts(const struct ml_agg *a, uint64_t *lines,
			  uint64_t *recognized)
{
	*lines = a->cur ? a->cur->lines : 0;
	*recognized = a->cur ? a->cur->recognized : 0;
}

void mw_ml_agg_journal_record(struct ml_agg *a, int64_t time, struct ml_str host,
			   struct ml_str ident, long pid, struct ml_str msg,
			   unsigned long lineno)
{
	char ev[ML_MAX_SAMPLE_LEN + 1];
	int n;

	a->lines++;
	if (a->cur)
		a->cur->lines++;
	/* Evidence reads like a syslog line: "ident[pid]: message". */
	n = pid >= 0 ? snprintf(ev, sizeof(ev), "%.*s[%ld]: %.*s", (int)(ident.n < 64 ? ident.n : 64),
				ident.p, pid, (int)(msg.n < ML_MAX_SAMPLE_LEN ? msg.n : ML_MAX_SAMPLE_LEN), msg.p)
		     : snprintf(ev, sizeof(ev), "%.*s: %.*s", (int)(ident.n < 64 ? ident.n : 64),
				ident.p, (int)(msg.n < ML_MAX_SAMPLE_LEN ? msg.n : ML_MAX_SAMPLE_LEN), msg.p);
	a->cur_line = ev;
	a->cur_len = n < 0 ? 0 : (size_t)n < sizeof(ev) ? (size_t)n : sizeof(ev) - 1;
	a->cur_lineno = lineno;
	if (!in_window(a, time))
		return;
	if (!mw_ml_is_postfix_ident(ident)) {
		/* postlogd writing to the unit's stdout: the message is a
		 * whole syslog-style line of its own. */
		struct ml_syslog in;

		if (mw_ml_parse_syslog(msg.p, msg.n, NULL, &in) == 0) {
			ident = in.ident;
			msg = in.msg;
		}
	}
	pass_line(a, host, ident, msg);
	dispatch_message(a, ident, msg, NULL, lineno);
	a->cur_line = NULL;
}
