/*
 * `mailwarden policyd`: the sending-limit policy service. One process, one
 * thread, poll(2) over the listening sockets and the clients: Postfix keeps
 * its policy connections open and asks one short question per message, so
 * a single core answers far more than a mail server submits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "core/escape.h"
#include "scanner/harden/harden.h"
#include "scanner/harden/policy.h"

#define PD_MAX_CLIENTS	512
/* The submit socket is open to every local user: its share of the client
 * table is capped, in all and per uid, so that nobody can fill the table
 * and make Postfix's own questions wait. */
#define PD_MAX_SUBMIT	128
#define PD_MAX_PER_UID	4
#define PD_IDLE_S	300	/* Postfix's own policy idle limit */
#define PD_FLUSH_MS	1000

enum sock_kind { SK_POLICY, SK_SUBMIT };

struct client {
	int fd;
	enum sock_kind kind;
	uid_t uid;		/* SK_SUBMIT: the peer, from SO_PEERCRED */
	time_t last;
	size_t len;
	char buf[POL_MAX_REQUEST];
};

struct pd {
	struct mw_ctx *ctx;
	struct pol_state *st;
	int lfd[2];		/* listening: policy, submit; -1 = none */
	struct client *cl[PD_MAX_CLIENTS];
	unsigned long served;
};

static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/*
 * A listening Unix socket at path with mode, group gname when that group
 * exists: an old socket there is replaced, any other file is refused (never
 * unlink what we did not make).
 */
static int listen_unix(const char *path, mode_t mode, const char *gname,
		       char *err, size_t errlen)
{
	struct group *gr = gname ? getgrnam(gname) : NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a socket", path);
			return -1;
		}
		unlink(path);
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, mode) != 0 || (gr && chown(path, (uid_t)-1, gr->gr_gid) != 0) ||
	    listen(fd, 128) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The sockets systemd passed, by FileDescriptorName= "policy"/"submit". */
static void systemd_sockets(struct pd *d)
{
	char **names = NULL;
	int n = sd_listen_fds_with_names(1, &names);

	for (int i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + i;

		if (names && names[i] && !strcmp(names[i], "submit"))
			d->lfd[SK_SUBMIT] = fd;
		else
			d->lfd[SK_POLICY] = fd;
		free(names ? names[i] : NULL);
	}
	free(names);
}

/* The message limit for a name: [harden] limits "NAME=N" first (a
 * malformed entry is skipped: the default, never "no limit"). */
static unsigned long limit_for(const struct mw_config *cfg, const char *name,
			       size_t n, unsigned long dflt)
{
	for (size_t i = 0; i < cfg->harden_limits.n; i++) {
		struct pol_span nm;
		unsigned long lim;

		if (!mw_pol_limit_entry(cfg->harden_limits.v[i], &nm, &lim) && nm.n == n &&
		    !memcmp(nm.p, name, n))
			return lim;
	}
	return dflt;
}

static void log_deferral(const char *key, const struct pol_verdict *v)
{
	char *safe = mw_escape_str(key);

	fprintf(stderr, "mailwarden policyd: deferred %s: %.0f messages, %.0f recipients "
		"in the last hour (limits %lu, %lu)\n", safe ? safe : "?", v->messages,
		v->recipients, v->msg_limit, v->rcpt_limit);
	free(safe);
}

/*
 * The action for one request from a client of kind k (peer uid for
 * SK_SUBMIT) into out (at most outlen bytes, "action=...\n\n").
 */
static void decide(struct pd *d, enum sock_kind k, uid_t peer, const struct pol_req *r,
		   char *out, size_t outlen)
{
	const struct mw_config *cfg = d->ctx->cfg;
	char key[POL_MAX_NAME + 8], name[POL_MAX_NAME];
	unsigned long mlim, rlim, rcpts;
	struct pol_verdict v;
	enum mw_err e;

	snprintf(out, outlen, "action=DUNNO\n\n");
	if (k == SK_POLICY) {
		/* Counted once per message: at DATA (smtpd_data_restrictions)
		 * or at the end of the message, whichever the MTA asks at. */
		if (!mw_pol_span_eq(r->request, "smtpd_access_policy") || !r->sasl.n ||
		    r->sasl.n >= POL_MAX_NAME ||
		    !(mw_pol_span_eq(r->state, "DATA") || mw_pol_span_eq(r->state, "END-OF-MESSAGE")))
			return;
		snprintf(key, sizeof(key), "sasl:%.*s", (int)r->sasl.n, r->sasl.p);
		mlim = limit_for(cfg, r->sasl.p, r->sasl.n, cfg->harden_sasl_messages);
		rlim = cfg->harden_sasl_recipients;
		rcpts = r->have_rcpt && r->rcpt_count ? r->rcpt_count : 1;
	} else {
		struct passwd *pw = getpwuid(peer);

		snprintf(name, sizeof(name), "%s", pw ? pw->pw_name : "");
		snprintf(key, sizeof(key), "uid:%u", (unsigned)peer);
		mlim = limit_for(cfg, name, strlen(name), cfg->harden_local_messages);
		/* The wrapper's count; a user that lies to us could as well run
		 * sendmail itself: `harden --check` reports where it can. */
		rlim = cfg->harden_local_recipients;
		rcpts = r->have_rcpt && r->rcpt_count ? r->rcpt_count : 1;
	}
	e = mw_pol_state_count(d->st, key, time(NULL), rcpts, mlim, rlim, &v);
	if (e == MW_ERR_LIMIT)
		fprintf(stderr, "mailwarden policyd: %u senders counted, not counting more\n",
			POL_MAX_KEYS);
	if (e || !v.over)
		return;
	log_deferral(key, &v);
	snprintf(out, outlen, "action=DEFER 4.7.1 sending limit reached (%lu messages, "
		 "%lu recipients per hour)\n\n", mlim, rlim);
}

static void drop(struct pd *d, int i)
{
	close(d->cl[i]->fd);
	free(d->cl[i]);
	d->cl[i] = NULL;
}

/* Answer every complete request in client i's buffer; 0 = keep it. */
static int serve(struct pd *d, int i)
{
	struct client *c = d->cl[i];
	size_t off = 0;

	for (;;) {
		struct pol_req r;
		char out[256];
		long n = mw_pol_parse(c->buf + off, c->len - off, &r);
		size_t olen;

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		off += (size_t)n;
		decide(d, c->kind, c->uid, &r, out, sizeof(out));
		olen = strlen(out);
		/* Replies are short and the client waits for each: a full
		 * socket buffer means a client that does not read. */
		if (send(c->fd, out, olen, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)olen)
			return -1;
		d->served++;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return 0;
}

/* 1 when a new submit client of uid would pass the caps. */
static int submit_room(const struct pd *d, uid_t uid)
{
	int all = 0, mine = 0;

	for (int i = 0; i < PD_MAX_CLIENTS; i++)
		if (d->cl[i] && d->cl[i]->kind == SK_SUBMIT) {
			all++;
			mine += d->cl[i]->uid == uid;
		}
	return all < PD_MAX_SUBMIT && mine < PD_MAX_PER_UID;
}

static void accept_on(struct pd *d, enum sock_kind k)
{
	int fd, i;

	while ((fd = accept4(d->lfd[k], NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		struct ucred uc = { .uid = (uid_t)-1 };
		socklen_t ul = sizeof(uc);

		if (k == SK_SUBMIT &&
		    (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &ul) != 0 ||
		     !submit_room(d, uc.uid))) {
			close(fd);	/* the wrapper fails open and says so */
			continue;
		}
		for (i = 0; i < PD_MAX_CLIENTS && d->cl[i]; i++)
			;
		if (i == PD_MAX_CLIENTS || !(d->cl[i] = malloc(sizeof(struct client)))) {
			close(fd);	/* Postfix retries; the wrapper fails open */
			continue;
		}
		d->cl[i]->fd = fd;
		d->cl[i]->kind = k;
		d->cl[i]->uid = uc.uid;
		d->cl[i]->len = 0;
		d->cl[i]->last = time(NULL);
	}
}

/* One poll round; returns -1 on a poll error other than EINTR. */
static int round_once(struct pd *d, int timeout_ms)
{
	struct pollfd pf[PD_MAX_CLIENTS + 2];
	int map[PD_MAX_CLIENTS + 2], n = 0;
	time_t now;

	for (int k = 0; k < 2; k++)
		if (d->lfd[k] >= 0) {
			pf[n] = (struct pollfd){ .fd = d->lfd[k], .events = POLLIN };
			map[n++] = -1 - k;
		}
	for (int i = 0; i < PD_MAX_CLIENTS; i++)
		if (d->cl[i]) {
			pf[n] = (struct pollfd){ .fd = d->cl[i]->fd, .events = POLLIN };
			map[n++] = i;
		}
	if (poll(pf, (nfds_t)n, timeout_ms) < 0)
		return errno == EINTR ? 0 : -1;
	now = time(NULL);
	for (int j = 0; j < n; j++) {
		struct client *c;
		ssize_t got;

		if (map[j] < 0) {
			if (pf[j].revents & POLLIN)
				accept_on(d, (enum sock_kind)(-1 - map[j]));
			continue;
		}
		c = d->cl[map[j]];
		if (!(pf[j].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (now - c->last > PD_IDLE_S)
				drop(d, map[j]);
			continue;
		}
		got = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (got <= 0) {
			if (got == 0 || (errno != EAGAIN && errno != EINTR))
				drop(d, map[j]);
			continue;
		}
		c->len += (size_t)got;
		c->last = now;
		if (serve(d, map[j]) != 0)
			drop(d, map[j]);
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum mw_err mw_policyd_run(struct mw_ctx *ctx, const struct mw_policyd_opts *o)
{
	struct pd *d = calloc(1, sizeof(*d));
	const char *db = o->state_db ? o->state_db : ctx->cfg->harden_state_db;
	struct sigaction sa = { .sa_handler = on_stop };
	char err[512] = "";
	enum mw_err e = MW_OK;
	int64_t flushed;

	if (!d)
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	d->ctx = ctx;
	d->lfd[0] = d->lfd[1] = -1;
	systemd_sockets(d);
	if (o->policy_socket &&
	    (d->lfd[SK_POLICY] = listen_unix(o->policy_socket, 0660, "postfix", err, sizeof(err))) < 0)
		e = MW_ERR_IO;
	/* Only Postfix may name a SASL user (0660 postfix); anyone may ask
	 * about themselves on the submit socket: the uid comes from the kernel. */
	if (!e && o->submit_socket &&
	    (d->lfd[SK_SUBMIT] = listen_unix(o->submit_socket, 0666, NULL, err, sizeof(err))) < 0)
		e = MW_ERR_IO;
	if (!e && d->lfd[0] < 0 && d->lfd[1] < 0) {
		snprintf(err, sizeof(err), "no socket: give --listen/--submit-listen or "
			 "start it through mailwarden-policyd.socket");
		e = MW_ERR_USAGE;
	}
	if (!e)
		e = mw_pol_state_open(db && *db ? db : NULL, &d->st, err, sizeof(err));
	if (e) {
		for (int k = 0; k < 2; k++)
			if (d->lfd[k] >= 0)
				close(d->lfd[k]);
		free(d);
		return mw_fail(ctx, e, "%s", err);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	ctx->own_output = 1;
	flushed = now_ms();
	while (!stop_flag && (!o->max_requests || d->served < o->max_requests)) {
		if (round_once(d, PD_FLUSH_MS) < 0) {
			e = mw_fail(ctx, MW_ERR_IO, "poll: %s", strerror(errno));
			break;
		}
		if (now_ms() - flushed >= PD_FLUSH_MS) {
			if (mw_pol_state_flush(d->st, err, sizeof(err)))
				fprintf(stderr, "mailwarden policyd: %s\n", err);
			flushed = now_ms();
		}
	}
	if (mw_pol_state_flush(d->st, err, sizeof(err)) && !e)
		e = mw_fail(ctx, MW_ERR_IO, "%s", err);
	for (int i = 0; i < PD_MAX_CLIENTS; i++)
		if (d->cl[i])
			drop(d, i);
	for (int k = 0; k < 2; k++)
		if (d->lfd[k] >= 0)
			close(d->lfd[k]);
	mw_pol_state_free(d->st);
	free(d);
	return e;
}
