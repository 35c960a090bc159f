#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "scanner/relay/relay.h"

#define EHLO_NAME_MAX	253

void mw_relay_variants(const char *domain, const char *srvname,
		       const char *ip_literal,
		       struct mw_relay_variant v[MW_RELAY_NVARIANTS])
{
	const char *f = MW_RELAY_FROM_USER, *t = MW_RELAY_TO_USER;
	int i;

#define FROM(i, ...) snprintf(v[i].from, sizeof(v[i].from), __VA_ARGS__)
#define TO(i, ...) snprintf(v[i].to, sizeof(v[i].to), __VA_ARGS__)
	/* senders: null, a stranger, the server's own name, its address */
	FROM(0, "%s", "");
	FROM(1, "%s@%s", f, domain);
	FROM(2, "%s@%s", f, srvname);
	for (i = 3; i < MW_RELAY_NVARIANTS; i++)
		FROM(i, "%s@%s", f, ip_literal);
	TO(0, "%s@%s", t, domain);
	TO(1, "%s@%s", t, domain);
	TO(2, "%s@%s", t, domain);
	TO(3, "%s@%s", t, domain);
	/* %-hack: the server strips its own part and relays the rest */
	TO(4, "%s%%%s@%s", t, domain, ip_literal);
	TO(5, "%s%%%s@%s", t, domain, srvname);
	/* quoted local parts hiding a remote address */
	TO(6, "\"%s@%s\"", t, domain);
	TO(7, "\"%s%%%s\"", t, domain);
	/* user@domain@relay */
	TO(8, "%s@%s@%s", t, domain, ip_literal);
	TO(9, "\"%s@%s\"@%s", t, domain, ip_literal);
	TO(10, "%s@%s@%s", t, domain, srvname);
	/* RFC 821 source routes */
	TO(11, "@%s:%s@%s", ip_literal, t, domain);
	TO(12, "@%s:%s@%s", srvname, t, domain);
	/* UUCP bang paths */
	TO(13, "%s!%s", domain, t);
	TO(14, "%s!%s@%s", domain, t, ip_literal);
	TO(15, "%s!%s@%s", domain, t, srvname);
#undef FROM
#undef TO
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The server name in a greeting or EHLO line ("host.example ESMTP"). */
static void server_name(const char *text, char *dst, size_t len)
{
	size_t n = 0;

	dst[0] = '\0';
	if (!isalnum((unsigned char)*text))
		return;
	while (n + 1 < len && n < EHLO_NAME_MAX &&
	       (isalnum((unsigned char)text[n]) || text[n] == '.' || text[n] == '-')) {
		dst[n] = text[n];
		n++;
	}
	dst[n] = '\0';
}

static json_t *reply_json(int code, const char *text)
{
	json_t *o = json_object();

	json_object_set_new(o, "code", json_integer(code));
	json_object_set_new(o, "text", json_string_nocheck(text));
	return o;
}

/* One session: state shared by the steps below. */
struct session {
	const struct mw_relay_probe_opts *o;
	struct mw_relay_probe *res;
	struct mw_smtp_conn *c;
	json_t *j;
	char srvname[EHLO_NAME_MAX + 1];
	char ip_literal[80];
	int opened;			/* greeting/EHLO info recorded once */
	int stopped;			/* the probe's deadline passed */
};

/*
 * 1 (and the probe stopped) when a step failed because the probe ran out
 * of time: the deadline is ours, not a fault of the server.
 */
static int out_of_time(struct session *s, enum mw_smtp_status st)
{
	if (st == MW_SMTP_DEADLINE ||
	    (st != MW_SMTP_OK && s->o->deadline > 0 && mono_ms() >= s->o->deadline))
		s->stopped = 1;
	return s->stopped;
}

static void set_error(struct mw_relay_probe *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keep the first session-level problem: later ones are consequences. */
static void set_error(struct mw_relay_probe *res, const char *fmt, ...)
{
	va_list ap;

	if (res->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
}

static const char *hello_and_extensions(struct session *s,
					struct mw_smtp_reply *ehlo, int *ok)
{
	char cmd[EHLO_NAME_MAX + 8];
	enum mw_smtp_status st;

	*ok = 0;
	snprintf(cmd, sizeof(cmd), "EHLO %s", s->o->domain);
	st = mw_smtp_command(s->c, cmd, ehlo);
	if (st != MW_SMTP_OK) {
		(void)out_of_time(s, st);
		return mw_smtp_strstatus(st);
	}
	if (ehlo->code / 100 == 2) {
		*ok = 1;
		return "EHLO";
	}
	/* RFC 5321 4.1.4: a server without EHLO answers 500/502; fall back */
	snprintf(cmd, sizeof(cmd), "HELO %s", s->o->domain);
	st = mw_smtp_command(s->c, cmd, ehlo);
	if (st != MW_SMTP_OK) {
		(void)out_of_time(s, st);
		return mw_smtp_strstatus(st);
	}
	if (ehlo->code / 100 != 2)
		return "HELO refused";
	*ok = 2;
	return "HELO";
}

/* 1 when word w (length n) is in the blank-separated list p[0..pn). */
static int has_word(const char *p, size_t pn, const char *w)
{
	size_t wn = strlen(w), i = 0;

	while (i < pn) {
		size_t j = i;

		while (j < pn && p[j] != ' ')
			j++;
		if (j - i == wn && strncasecmp(p + i, w, wn) == 0)
			return 1;
		i = j + 1;
	}
	return 0;
}

static void record_extensions(struct session *s, const struct mw_smtp_reply *r)
{
	json_t *ext = json_array();
	const char *p = strchr(r->text, '\n');

	while (p) {
		const char *line = p + 1;
		size_t n = strcspn(line, " \n");

		if (n)
			json_array_append_new(ext, json_stringn_nocheck(line, n));
		p = strchr(line, '\n');
	}
	json_object_set_new(s->j, "extensions", ext);
	json_object_set_new(s->j, "starttls_offered",
			    json_boolean(mw_smtp_ehlo_has(r, "STARTTLS", NULL, NULL)));
}

void mw_relay_echoed_address(const char *text, char *dst, size_t len)
{
	const char *p = text;

	if (len)
		dst[0] = '\0';
	while ((p = strchr(p, '[')) != NULL) {
		const char *e = strchr(++p, ']');
		char a[64];
		struct mw_ip addr;
		unsigned prefix;
		size_t n;

		if (!e)
			return;
		n = (size_t)(e - p);
		if (n > 5 && strncasecmp(p, "IPv6:", 5) == 0) {
			p += 5;
			n -= 5;
		}
		if (n && n < sizeof(a)) {
			memcpy(a, p, n);
			a[n] = '\0';
			if (!strchr(a, '/') && mw_ipnet_parse(a, &addr, &prefix) == 0) {
				snprintf(dst, len, "%s", a);
				return;
			}
		}
		p = e;
	}
}

/* Which MTA a greeting names: Postfix's and Exim's default banners do. */
static const char *mta_of_greeting(const char *text)
{
	if (strcasestr(text, " Postfix"))
		return "postfix";
	if (strcasestr(text, " Exim "))
		return "exim";
	return "";
}

/*
 * Open a session: connect, greeting, EHLO/HELO, XCLIENT when possible and
 * EHLO again. Returns 1 when MAIL/RCPT can be sent, 0 otherwise (reason
 * in res->error).
 */
static int session_open(struct session *s)
{
	const struct mw_relay_probe_opts *o = s->o;
	struct mw_relay_probe *res = s->res;
	struct mw_smtp_reply r;
	enum mw_smtp_status st;
	char err[256], cmd[200];
	const char *xp, *how;
	size_t xn;
	int ok, xclient_ok;

	st = mw_smtp_connect_by(o->host, o->port, o->source_ip, o->timeout_ms, o->deadline,
				&s->c, err, sizeof(err));
	if (st != MW_SMTP_OK) {
		if (out_of_time(s, st))
			return 0;
		res->conn_status = st;
		set_error(res, "%s", err);
		return 0;
	}
	res->connected = 1;
	res->sessions++;
	snprintf(res->local_addr, sizeof(res->local_addr), "%s", mw_smtp_local_addr(s->c));
	snprintf(res->peer_addr, sizeof(res->peer_addr), "%s", mw_smtp_peer_addr(s->c));
	snprintf(s->ip_literal, sizeof(s->ip_literal),
		 mw_smtp_peer_family(s->c) == AF_INET6 ? "[IPv6:%s]" : "[%s]",
		 res->peer_addr);
	st = mw_smtp_read_reply(s->c, &r);
	if (st != MW_SMTP_OK) {
		if (out_of_time(s, st))
			return 0;
		set_error(res, "greeting: %s", mw_smtp_strstatus(st));
		return 0;
	}
	if (!s->opened) {
		json_object_set_new(s->j, "greeting", reply_json(r.code, r.text));
		server_name(r.text, s->srvname, sizeof(s->srvname));
		snprintf(res->mta, sizeof(res->mta), "%s", mta_of_greeting(r.text));
		mw_relay_echoed_address(r.text, res->echoed_addr, sizeof(res->echoed_addr));
	}
	if (r.code != 220) {
		set_error(res, "server refused the session: %s", r.text);
		return 0;
	}
	how = hello_and_extensions(s, &r, &ok);
	if (!ok) {
		if (s->stopped)
			return 0;
		set_error(res, "EHLO/HELO: %s", how);
		return 0;
	}
	if (!s->opened) {
		json_object_set_new(s->j, "hello", json_string_nocheck(how));
		record_extensions(s, &r);
		if (!s->srvname[0])
			server_name(r.text, s->srvname, sizeof(s->srvname));
		if (!s->srvname[0])
			snprintf(s->srvname, sizeof(s->srvname), "%s", s->ip_literal);
		json_object_set_new(s->j, "server_name", json_string_nocheck(s->srvname));
		if (!res->echoed_addr[0])
			mw_relay_echoed_address(r.text, res->echoed_addr, sizeof(res->echoed_addr));
	}
	xclient_ok = 0;
	res->xclient_offered = mw_smtp_ehlo_has(&r, "XCLIENT", &xp, &xn);
	res->xclient_addr = res->xclient_offered && has_word(xp, xn, "ADDR");
	if (res->xclient_addr && o->untrusted_ip) {
		/* Postfix XCLIENT: the server judges the rest of the session as
		 * if it came from this address; IPv6 needs the IPV6: tag */
		snprintf(cmd, sizeof(cmd), "XCLIENT ADDR=%s%s%s",
			 strchr(o->untrusted_ip, ':') ? "IPV6:" : "", o->untrusted_ip,
			 has_word(xp, xn, "NAME") ? " NAME=[UNAVAILABLE]" : "");
		st = mw_smtp_command(s->c, cmd, &r);
		res->xclient_sent = 1;
		if (st != MW_SMTP_OK) {
			if (out_of_time(s, st))
				return 0;
			set_error(res, "XCLIENT: %s", mw_smtp_strstatus(st));
			return 0;
		}
		if (!s->opened)
			res->xclient_code = r.code;
		if (!s->opened)
			json_object_set_new(s->j, "xclient_reply", reply_json(r.code, r.text));
		if (r.code == 220) {
			how = hello_and_extensions(s, &r, &ok);
			if (!ok) {
				if (s->stopped)
					return 0;
				set_error(res, "EHLO after XCLIENT: %s", how);
				return 0;
			}
			xclient_ok = 1;
		}
	}
	if (s->opened && xclient_ok != res->untrusted) {
		/* never mix viewpoints within one result */
		set_error(res, "%s", "XCLIENT answered differently in a later session");
		return 0;
	}
	res->untrusted = xclient_ok;
	s->opened = 1;
	return 1;
}

static void session_close(struct session *s, int polite)
{
	if (polite)
		mw_smtp_quit(s->c);
	else
		mw_smtp_close(s->c);
	s->c = NULL;
}

/*
 * One variant: RSET, MAIL FROM, RCPT TO. Returns the verdict; *lost is set
 * when the session is gone (the variant is then an error). NULL when the
 * probe ran out of time (s->stopped): the variant was not tested.
 */
static const char *run_variant(struct session *s, const struct mw_relay_variant *v,
			       json_t *vj, int *lost)
{
	char cmd[MW_RELAY_MAX_ADDR + 16];
	struct mw_smtp_reply r;
	enum mw_smtp_status st;
	const char *stage = "RSET";

	*lost = 0;
	st = mw_smtp_command(s->c, "RSET", &r);
	if (st == MW_SMTP_OK && r.code / 100 == 2) {
		stage = "MAIL";
		if (snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>", v->from) >= (int)sizeof(cmd))
			st = MW_SMTP_BAD_COMMAND;
		else
			st = mw_smtp_command(s->c, cmd, &r);
	}
	if (st == MW_SMTP_OK && r.code / 100 == 2 && strcmp(stage, "MAIL") == 0) {
		stage = "RCPT";
		if (snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", v->to) >= (int)sizeof(cmd))
			st = MW_SMTP_BAD_COMMAND;
		else
			st = mw_smtp_command(s->c, cmd, &r);
	}
	if (st != MW_SMTP_OK && out_of_time(s, st))
		return NULL;
	json_object_set_new(vj, "stage", json_string_nocheck(stage));
	if (st != MW_SMTP_OK) {
		*lost = 1;
		json_object_set_new(vj, "code", json_null());
		json_object_set_new(vj, "text", json_string_nocheck(mw_smtp_strstatus(st)));
		return "error";
	}
	json_object_set_new(vj, "code", json_integer(r.code));
	json_object_set_new(vj, "text", json_string_nocheck(r.text));
	if (r.code == 421) {
		/* the server is closing the session: no verdict on this one */
		*lost = 1;
		return "error";
	}
	if (strcmp(stage, "RCPT") == 0 && r.code / 100 == 2)
		return "relayed";
	if (r.code / 100 == 4 || r.code / 100 == 5)
		return "refused";
	return "error";
}

enum mw_err mw_relay_probe_run(const struct mw_relay_probe_opts *o,
			       struct mw_relay_probe *res)
{
	struct mw_relay_variant v[MW_RELAY_NVARIANTS];
	struct session s = { .o = o, .res = res };
	long long t0 = mono_ms();
	json_t *vars, *untested;
	int i = 0, up, reconnects = 0, session_errors = 0;
	char target[300];

	memset(res, 0, sizeof(*res));
	s.j = json_object();
	vars = json_array();
	if (!s.j || !vars) {
		json_decref(s.j);
		json_decref(vars);
		return MW_ERR_NOMEM;
	}
	res->json = s.j;
	snprintf(target, sizeof(target), strchr(o->host, ':') ? "[%s]:%s" : "%s:%s",
		 o->host, o->port);
	json_object_set_new(s.j, "target", json_string_nocheck(target));
	json_object_set_new(s.j, "domain", json_string_nocheck(o->domain));
	up = session_open(&s);
	if (s.opened) {
		mw_relay_variants(o->domain, s.srvname, s.ip_literal, v);
		for (i = 0; i < MW_RELAY_NVARIANTS; i++) {
			json_t *vj;
			const char *verdict = "error";
			int attempt, lost = 0;

			if (o->deadline > 0 && mono_ms() >= o->deadline)
				s.stopped = 1;
			if (s.stopped)
				break;
			vj = json_pack("{s:i, s:s, s:s}", "n", i + 1, "mail_from", v[i].from,
				       "rcpt_to", v[i].to);
			if (!vj)
				break;
			for (attempt = 0; attempt < 2 && !s.stopped; attempt++) {
				if (!up && reconnects < MW_RELAY_MAX_RECONNECTS &&
				    res->connected && res->sessions < MW_RELAY_MAX_SESSIONS) {
					reconnects++;
					session_close(&s, 0);
					session_errors = 0;
					up = session_open(&s);
				}
				if (up && session_errors >= MW_RELAY_ERRORS_PER_SESSION &&
				    res->sessions < MW_RELAY_MAX_SESSIONS) {
					session_close(&s, 1);
					session_errors = 0;
					up = session_open(&s);
				}
				if (s.stopped)
					break;
				if (!up) {
					verdict = "error";
					json_object_set_new(vj, "stage", json_string_nocheck("connect"));
					json_object_set_new(vj, "code", json_null());
					json_object_set_new(vj, "text",
							    json_string_nocheck("session lost"));
					break;
				}
				verdict = run_variant(&s, &v[i], vj, &lost);
				if (!verdict || !lost)
					break;
				/* the server hung up: this variant gets a fresh
				 * session, once */
				up = 0;
				if (attempt == 0) {
					res->retried++;
					json_object_set_new(vj, "retried", json_true());
				}
			}
			if (s.stopped) {
				/* cut off half-way: not tested, not an error */
				json_decref(vj);
				break;
			}
			json_object_set_new(vj, "verdict", json_string_nocheck(verdict));
			if (strcmp(verdict, "relayed") == 0) {
				res->relayed++;
				reconnects = 0;
			} else if (strcmp(verdict, "refused") == 0) {
				res->refused++;
				session_errors++;
				reconnects = 0;
			} else {
				res->errors++;
				set_error(res, "%s %s: %s", lost ? "session lost at variant" :
					  "variant",
					  json_string_value(json_object_get(vj, "rcpt_to")),
					  json_string_value(json_object_get(vj, "text")));
			}
			json_array_append_new(vars, vj);
		}
	}
	/* a step cut off by the deadline leaves the reply stream out of step */
	session_close(&s, up && !s.stopped);
	res->elapsed_ms = (long)(mono_ms() - t0);
	untested = json_array();
	if (s.stopped) {
		int from = s.opened ? i + 1 : 1;

		res->not_tested_from = from;
		for (i = from; i <= MW_RELAY_NVARIANTS; i++)
			json_array_append_new(untested, json_integer(i));
		if (from == MW_RELAY_NVARIANTS)
			snprintf(res->stopped, sizeof(res->stopped), "probe stopped after %ld s: "
				 "variant %d not tested (%s reached)",
				 (res->elapsed_ms + 500) / 1000, from,
				 o->deadline_what ? o->deadline_what : "deadline");
		else
			snprintf(res->stopped, sizeof(res->stopped), "probe stopped after %ld s: "
				 "variants %d-%d not tested (%s reached)",
				 (res->elapsed_ms + 500) / 1000, from, MW_RELAY_NVARIANTS,
				 o->deadline_what ? o->deadline_what : "deadline");
	}
	json_object_set_new(s.j, "peer_address", json_string_nocheck(res->peer_addr));
	json_object_set_new(s.j, "local_address", json_string_nocheck(res->local_addr));
	json_object_set_new(s.j, "xclient_offered", json_boolean(res->xclient_offered));
	json_object_set_new(s.j, "echoed_address", res->echoed_addr[0] ?
			    json_string_nocheck(res->echoed_addr) : json_null());
	json_object_set_new(s.j, "mta", res->mta[0] ? json_string_nocheck(res->mta) : json_null());
	json_object_set_new(s.j, "xclient_sent", json_boolean(res->xclient_sent));
	json_object_set_new(s.j, "sessions", json_integer(res->sessions));
	json_object_set_new(s.j, "retried", json_integer(res->retried));
	/* the viewpoint is decided by the caller from the evidence
	 * (mw_relay_viewpoint); XCLIENT acceptance is the part known here */
	json_object_set_new(s.j, "viewpoint", !res->connected ? json_null() :
			    json_string_nocheck(res->untrusted ? "untrusted" : "unknown"));
	json_object_set_new(s.j, "client_address", !res->connected ? json_null() :
			    json_string_nocheck(res->untrusted ? o->untrusted_ip :
						res->echoed_addr[0] ? res->echoed_addr :
						res->local_addr));
	json_object_set_new(s.j, "trusted_by", json_null());
	json_object_set_new(s.j, "elapsed_ms", json_integer(res->elapsed_ms));
	json_object_set_new(s.j, "tested", json_integer((json_int_t)json_array_size(vars)));
	json_object_set_new(s.j, "relayed", json_integer(res->relayed));
	json_object_set_new(s.j, "refused", json_integer(res->refused));
	json_object_set_new(s.j, "errors", json_integer(res->errors));
	json_object_set_new(s.j, "error", res->error[0] ? json_string_nocheck(res->error) : json_null());
	json_object_set_new(s.j, "stopped", res->stopped[0] ?
			    json_string_nocheck(res->stopped) : json_null());
	json_object_set_new(s.j, "not_tested", untested);
	json_object_set_new(s.j, "variants", vars);
	return MW_OK;
}

void mw_relay_probe_free(struct mw_relay_probe *res)
{
	json_decref(res->json);
	res->json = NULL;
}
