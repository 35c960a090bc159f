/*
 * The relay probe's SMTP client: the reply parser on its own, then the
 * socket reader and the probe against a scripted fake server that a thread
 * runs on 127.0.0.1 (an ephemeral port) inside the test.
 */
#include "tests/unit/testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "scanner/relay/relay.h"
#include "scanner/relay/smtp.h"

/* ---- the parser on its own ---------------------------------------------- */

static enum mw_smtp_status parse(const char *s, struct mw_smtp_reply *r, size_t *used)
{
	return mw_smtp_parse_reply(s, strlen(s), r, used);
}

static void test_parse_single_and_multiline(void **state)
{
	struct mw_smtp_reply r;
	const char *p;
	size_t used, pn;
	const char ehlo[] = "250-mx.example.org\r\n250-PIPELINING\r\n250-STARTTLS\r\n"
			    "250 XCLIENT NAME ADDR PROTO\r\n354 next";
	(void)state;

	assert_int_equal(parse("250 2.0.0 Ok\r\n", &r, &used), MW_SMTP_OK);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.nlines, 1);
	assert_int_equal(used, 14);
	assert_string_equal(r.text, "2.0.0 Ok");

	assert_int_equal(parse(ehlo, &r, &used), MW_SMTP_OK);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.nlines, 4);
	assert_int_equal(used, strlen(ehlo) - strlen("354 next"));
	assert_string_equal(r.text, "mx.example.org\nPIPELINING\nSTARTTLS\nXCLIENT NAME ADDR PROTO");
	assert_true(mw_smtp_ehlo_has(&r, "starttls", NULL, NULL));
	assert_true(mw_smtp_ehlo_has(&r, "XCLIENT", &p, &pn));
	assert_int_equal(pn, strlen("NAME ADDR PROTO"));
	assert_memory_equal(p, "NAME ADDR PROTO", pn);
	/* the greeting line is not a keyword, and prefixes do not match */
	assert_false(mw_smtp_ehlo_has(&r, "mx.example.org", NULL, NULL));
	assert_false(mw_smtp_ehlo_has(&r, "PIPE", NULL, NULL));
}

static void test_parse_lenient_forms(void **state)
{
	struct mw_smtp_reply r;
	size_t used;
	(void)state;

	/* bare LF and a code without text are valid */
	assert_int_equal(parse("220-hi\n220\n", &r, &used), MW_SMTP_OK);
	assert_int_equal(r.code, 220);
	assert_int_equal(r.nlines, 2);
	assert_string_equal(r.text, "hi\n");
	/* incomplete: the final line has not arrived */
	assert_int_equal(parse("250-a\r\n250 b", &r, &used), MW_SMTP_INCOMPLETE);
	assert_int_equal(parse("", &r, &used), MW_SMTP_INCOMPLETE);
	assert_int_equal(parse("250-a\r\n", &r, &used), MW_SMTP_INCOMPLETE);
}

static void test_parse_bad_codes(void **state)
{
	struct mw_smtp_reply r;
	size_t used;
	(void)state;

	assert_int_equal(parse("2x0 no\r\n", &r, &used), MW_SMTP_BAD_CODE);
	assert_int_equal(parse("600 no\r\n", &r, &used), MW_SMTP_BAD_CODE);
	assert_int_equal(parse("199 no\r\n", &r, &used), MW_SMTP_BAD_CODE);
	assert_int_equal(parse("270 no\r\n", &r, &used), MW_SMTP_BAD_CODE);
	assert_int_equal(parse("25\r\n", &r, &used), MW_SMTP_BAD_CODE);
	assert_int_equal(parse("\r\n", &r, &used), MW_SMTP_BAD_CODE);
	assert_int_equal(parse("HTTP/1.1 400\r\n", &r, &used), MW_SMTP_BAD_CODE);
	assert_int_equal(parse("250x\r\n", &r, &used), MW_SMTP_BAD_SEPARATOR);
	assert_int_equal(parse("250-a\r\n550 b\r\n", &r, &used), MW_SMTP_CODE_MISMATCH);
	assert_int_equal(parse("250 a\0b\r\n", &r, &used), MW_SMTP_INCOMPLETE);
	assert_int_equal(mw_smtp_parse_reply("250 a\0b\r\n", 9, &r, &used), MW_SMTP_NUL);
}

static void test_parse_limits(void **state)
{
	struct mw_smtp_reply r;
	struct mw_buf b;
	size_t used, i;
	(void)state;

	/* a line longer than the cap is refused before its LF arrives */
	mw_buf_init(&b, 1 << 20);
	assert_int_equal(mw_buf_puts(&b, "250 "), MW_OK);
	for (i = 0; i < MW_SMTP_MAX_LINE; i++)
		assert_int_equal(mw_buf_putc(&b, 'A'), MW_OK);
	assert_int_equal(mw_smtp_parse_reply(b.data, b.len, &r, &used), MW_SMTP_LINE_TOO_LONG);
	assert_int_equal(mw_buf_puts(&b, "\r\n"), MW_OK);
	assert_int_equal(mw_smtp_parse_reply(b.data, b.len, &r, &used), MW_SMTP_LINE_TOO_LONG);

	/* too many lines */
	mw_buf_reset(&b);
	for (i = 0; i < MW_SMTP_MAX_REPLY_LINES; i++)
		assert_int_equal(mw_buf_puts(&b, "250-x\r\n"), MW_OK);
	assert_int_equal(mw_buf_puts(&b, "250 end\r\n"), MW_OK);
	assert_int_equal(mw_smtp_parse_reply(b.data, b.len, &r, &used), MW_SMTP_TOO_MANY_LINES);

	/* long text is kept up to the cap, flagged, and the reply is fine */
	mw_buf_reset(&b);
	for (i = 0; i < 40; i++) {
		assert_int_equal(mw_buf_puts(&b, "250-"), MW_OK);
		assert_int_equal(mw_buf_printf(&b, "%0100d\r\n", 0), MW_OK);
	}
	assert_int_equal(mw_buf_puts(&b, "250 last\r\n"), MW_OK);
	assert_int_equal(mw_smtp_parse_reply(b.data, b.len, &r, &used), MW_SMTP_OK);
	assert_int_equal(r.nlines, 41);
	assert_true(r.text_truncated);
	assert_int_equal(strlen(r.text), MW_SMTP_MAX_REPLY_TEXT - 1);
	mw_buf_free(&b);
}

static void test_variants(void **state)
{
	struct mw_relay_variant v[MW_RELAY_NVARIANTS];
	int i;
	(void)state;

	mw_relay_variants("example.com", "mx.test", "[192.0.2.9]", v);
	assert_string_equal(v[0].from, "");
	assert_string_equal(v[0].to, "relaytest@example.com");
	assert_string_equal(v[2].from, "mailwarden-probe@mx.test");
	assert_string_equal(v[4].to, "relaytest%example.com@[192.0.2.9]");
	assert_string_equal(v[6].to, "\"relaytest@example.com\"");
	assert_string_equal(v[9].to, "\"relaytest@example.com\"@[192.0.2.9]");
	assert_string_equal(v[11].to, "@[192.0.2.9]:relaytest@example.com");
	assert_string_equal(v[12].to, "@mx.test:relaytest@example.com");
	assert_string_equal(v[13].to, "example.com!relaytest");
	assert_string_equal(v[15].to, "example.com!relaytest@mx.test");
	for (i = 3; i < MW_RELAY_NVARIANTS; i++)
		assert_string_equal(v[i].from, "mailwarden-probe@[192.0.2.9]");
	/* all 16 pairs differ */
	for (i = 0; i < MW_RELAY_NVARIANTS; i++) {
		int k;

		for (k = i + 1; k < MW_RELAY_NVARIANTS; k++)
			assert_false(strcmp(v[i].from, v[k].from) == 0 &&
				     strcmp(v[i].to, v[k].to) == 0);
	}
}

static void test_parse_target(void **state)
{
	char h[MW_RELAY_MAX_HOST], p[MW_RELAY_MAX_PORT];
	(void)state;

	assert_int_equal(mw_relay_parse_target("127.0.0.1:2525", h, p), 0);
	assert_string_equal(h, "127.0.0.1");
	assert_string_equal(p, "2525");
	assert_int_equal(mw_relay_parse_target("mx.example.org", h, p), 0);
	assert_string_equal(h, "mx.example.org");
	assert_string_equal(p, "25");
	assert_int_equal(mw_relay_parse_target("[2001:db8::25]:587", h, p), 0);
	assert_string_equal(h, "2001:db8::25");
	assert_string_equal(p, "587");
	assert_int_equal(mw_relay_parse_target("2001:db8::25", h, p), 0);
	assert_string_equal(h, "2001:db8::25");
	assert_string_equal(p, "25");
	assert_int_equal(mw_relay_parse_target("[::1]", h, p), 0);
	assert_string_equal(h, "::1");
	assert_int_equal(mw_relay_parse_target("[::1", h, p), -1);
	assert_int_equal(mw_relay_parse_target("[]:25", h, p), -1);
	assert_int_equal(mw_relay_parse_target("host:", h, p), -1);
	assert_int_equal(mw_relay_parse_target("host:0", h, p), -1);
	assert_int_equal(mw_relay_parse_target("host:65536", h, p), -1);
	assert_int_equal(mw_relay_parse_target("host:smtp", h, p), -1);
	assert_int_equal(mw_relay_parse_target(":25", h, p), -1);
	assert_int_equal(mw_relay_parse_target("", h, p), -1);
	assert_int_equal(mw_relay_parse_target("[::1]x", h, p), -1);
}

/* ---- a scripted fake server ---------------------------------------------- */

enum fake_mode { FAKE_SCRIPT, FAKE_SMTP };

struct fake {
	int lfd;
	char port[16];
	pthread_t th;
	enum fake_mode mode;
	/* FAKE_SCRIPT: chunks written one after another with a short pause,
	 * then the connection is closed (or held open when hold_ms) */
	const char *const *chunks;
	int hold_ms;
	/* FAKE_SMTP */
	int no_ehlo;		/* answer EHLO with 502 */
	int xclient;		/* advertise XCLIENT NAME ADDR */
	int xclient_once;	/* ... on the first connection only */
	int v6;			/* listen on ::1 instead of 127.0.0.1 */
	const char *want_xclient;	/* exact XCLIENT command expected */
	int hangup_after;	/* close after this many refusals (Exim) */
	int delay_ms;		/* wait this long before every reply */
	int max_conns;
	/* results */
	int conns;
	int data_seen;
	int xclients;		/* sessions switched by a correct XCLIENT */
	int bad_xclient;
	int cmds;
};

static void wr(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Read one command line (without CRLF); -1 on EOF. */
static int rd_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = recv(fd, &c, 1, 0);

		if (r <= 0)
			return -1;
		if (c == '\n')
			break;
		if (c != '\r' && n + 1 < len)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

static void serve_smtp(struct fake *f, int fd)
{
	char line[1100];
	int xclient_ok = 0, refusals = 0;

	if (f->delay_ms)
		usleep((useconds_t)f->delay_ms * 1000);
	wr(fd, "220 fake.example ESMTP test\r\n");
	while (rd_line(fd, line, sizeof(line)) == 0) {
		f->cmds++;
		if (f->delay_ms)
			usleep((useconds_t)f->delay_ms * 1000);
		if (strncmp(line, "EHLO ", 5) == 0) {
			if (f->no_ehlo)
				wr(fd, "502 5.5.2 Error: command not recognized\r\n");
			else if (f->xclient && !xclient_ok &&
				 (!f->xclient_once || f->conns == 1))
				wr(fd, "250-fake.example\r\n250-PIPELINING\r\n"
				       "250-XCLIENT NAME ADDR PROTO\r\n250 STARTTLS\r\n");
			else
				wr(fd, "250-fake.example\r\n250 8BITMIME\r\n");
		} else if (strncmp(line, "HELO ", 5) == 0) {
			wr(fd, "250 fake.example\r\n");
		} else if (strncmp(line, "XCLIENT ", 8) == 0) {
			if (strcmp(line, f->want_xclient ? f->want_xclient :
				   "XCLIENT ADDR=192.0.2.1 NAME=[UNAVAILABLE]") == 0) {
				xclient_ok = 1;
				f->xclients++;
				wr(fd, "220 fake.example ESMTP test\r\n");
			} else {
				f->bad_xclient = 1;
				wr(fd, "501 5.5.4 bad XCLIENT\r\n");
			}
		} else if (strcmp(line, "RSET") == 0) {
			wr(fd, "250 2.0.0 Ok\r\n");
		} else if (strncmp(line, "MAIL FROM:", 10) == 0) {
			wr(fd, "250 2.1.0 Ok\r\n");
		} else if (strncmp(line, "RCPT TO:", 8) == 0) {
			/* this server falls for the %-hack only */
			if (strchr(line, '%')) {
				wr(fd, "250 2.1.5 Ok\r\n");
			} else if (f->hangup_after && ++refusals >= f->hangup_after) {
				/* Exim's smtp_max_synprot_errors: last reply, then gone */
				wr(fd, "501-5.1.3 bad address\r\n"
				       "501 Too many syntax or protocol errors\r\n");
				break;
			} else {
				wr(fd, "554 5.7.1 Relay access denied\r\n");
			}
		} else if (strcmp(line, "DATA") == 0) {
			f->data_seen = 1;
			wr(fd, "354 go ahead\r\n");
		} else if (strcmp(line, "QUIT") == 0) {
			wr(fd, "221 2.0.0 Bye\r\n");
			break;
		} else {
			wr(fd, "502 5.5.2 Error: command not recognized\r\n");
		}
	}
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	struct pollfd p = { .fd = f->lfd, .events = POLLIN };
	int fd, i;

	while (f->conns < (f->max_conns ? f->max_conns : 1)) {
		if (poll(&p, 1, 5000) <= 0)
			break;
		fd = accept(f->lfd, NULL, NULL);
		if (fd < 0)
			break;
		f->conns++;
		if (f->mode == FAKE_SMTP) {
			serve_smtp(f, fd);
		} else {
			for (i = 0; f->chunks[i]; i++) {
				wr(fd, f->chunks[i]);
				usleep(20000);
			}
			if (f->hold_ms)
				usleep((useconds_t)f->hold_ms * 1000);
		}
		close(fd);
	}
	return NULL;
}

static void fake_start(struct fake *f)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl = sizeof(ss);
	int one = 1;

	memset(&ss, 0, sizeof(ss));
	if (f->v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
	} else {
		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	f->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(f->lfd >= 0);
	setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&ss,
			      f->v6 ? sizeof(*a6) : sizeof(*a4)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&ss, &sl), 0);
	snprintf(f->port, sizeof(f->port), "%u",
		 ntohs(f->v6 ? a6->sin6_port : a4->sin_port));
	assert_int_equal(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void fake_join(struct fake *f)
{
	pthread_join(f->th, NULL);
	close(f->lfd);
}

static struct mw_smtp_conn *connect_fake(struct fake *f, unsigned timeout_ms)
{
	struct mw_smtp_conn *c = NULL;
	char err[256];

	assert_int_equal(mw_smtp_connect("127.0.0.1", f->port, timeout_ms, &c, err,
					 sizeof(err)), MW_SMTP_OK);
	assert_string_equal(mw_smtp_local_addr(c), "127.0.0.1");
	assert_string_equal(mw_smtp_peer_addr(c), "127.0.0.1");
	return c;
}

static void test_socket_reply_in_pieces(void **state)
{
	static const char *const chunks[] = {
		"250-fake", ".example\r\n25", "0-PIPELINING\r\n250 ", "SIZE 100\r\n", NULL
	};
	struct fake f = { .mode = FAKE_SCRIPT, .chunks = chunks };
	struct mw_smtp_reply r;
	struct mw_smtp_conn *c;
	(void)state;

	fake_start(&f);
	c = connect_fake(&f, 2000);
	assert_int_equal(mw_smtp_read_reply(c, &r), MW_SMTP_OK);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.nlines, 3);
	assert_string_equal(r.text, "fake.example\nPIPELINING\nSIZE 100");
	/* then the server closes: the next read sees it */
	assert_int_equal(mw_smtp_read_reply(c, &r), MW_SMTP_CLOSED);
	mw_smtp_close(c);
	fake_join(&f);
}

static void test_socket_close_mid_reply(void **state)
{
	static const char *const chunks[] = { "250-first\r\n250-sec", NULL };
	struct fake f = { .mode = FAKE_SCRIPT, .chunks = chunks };
	struct mw_smtp_reply r;
	struct mw_smtp_conn *c;
	(void)state;

	fake_start(&f);
	c = connect_fake(&f, 2000);
	assert_int_equal(mw_smtp_read_reply(c, &r), MW_SMTP_CLOSED);
	mw_smtp_close(c);
	fake_join(&f);
}

static void test_socket_overlong_and_garbage(void **state)
{
	static char big[MW_SMTP_MAX_LINE * 3];
	static const char *const chunks1[] = { big, NULL };
	static const char *const chunks2[] = { "SSH-2.0-OpenSSH_9.2\r\n", NULL };
	struct fake f = { .mode = FAKE_SCRIPT, .chunks = chunks1 };
	struct mw_smtp_reply r;
	struct mw_smtp_conn *c;
	(void)state;

	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "220 ", 4);
	fake_start(&f);
	c = connect_fake(&f, 2000);
	assert_int_equal(mw_smtp_read_reply(c, &r), MW_SMTP_LINE_TOO_LONG);
	mw_smtp_close(c);
	fake_join(&f);

	memset(&f, 0, sizeof(f));
	f.mode = FAKE_SCRIPT;
	f.chunks = chunks2;
	fake_start(&f);
	c = connect_fake(&f, 2000);
	assert_int_equal(mw_smtp_read_reply(c, &r), MW_SMTP_BAD_CODE);
	mw_smtp_close(c);
	fake_join(&f);
}

static void test_socket_timeout_and_refused(void **state)
{
	static const char *const chunks[] = { "220-slow\r\n", NULL };
	struct fake f = { .mode = FAKE_SCRIPT, .chunks = chunks, .hold_ms = 800 };
	struct mw_smtp_reply r;
	struct mw_smtp_conn *c;
	char err[256], port[16];
	(void)state;

	fake_start(&f);
	c = connect_fake(&f, 200);
	assert_int_equal(mw_smtp_read_reply(c, &r), MW_SMTP_TIMEOUT);
	/* commands with line breaks are never sent */
	assert_int_equal(mw_smtp_command(c, "RCPT TO:<a@b>\r\nDATA", &r), MW_SMTP_BAD_COMMAND);
	mw_smtp_close(c);
	fake_join(&f);

	/* the fake's port is closed now: nothing listens */
	snprintf(port, sizeof(port), "%s", f.port);
	c = NULL;
	assert_int_equal(mw_smtp_connect("127.0.0.1", port, 1000, &c, err, sizeof(err)),
			 MW_SMTP_REFUSED);
	assert_null(c);
	assert_int_equal(mw_smtp_connect("no-such-host.invalid", "25", 1000, &c, err,
					 sizeof(err)), MW_SMTP_RESOLVE);
}

static void test_socket_deadline(void **state)
{
	static const char *const chunks[] = { "220-slow\r\n", NULL };
	struct fake f = { .mode = FAKE_SCRIPT, .chunks = chunks, .hold_ms = 800 };
	struct mw_smtp_reply r;
	struct mw_smtp_conn *c;
	char err[256];
	long long t0;
	(void)state;

	/* the step may wait 2 s, the overall deadline only 200 ms: the
	 * deadline wins and says so */
	fake_start(&f);
	c = connect_fake(&f, 2000);
	t0 = mw_smtp_now_ms();
	mw_smtp_set_deadline(c, t0 + 200);
	assert_int_equal(mw_smtp_read_reply(c, &r), MW_SMTP_DEADLINE);
	assert_true(mw_smtp_now_ms() - t0 < 700);
	mw_smtp_close(c);
	fake_join(&f);

	/* a deadline already passed connects to nothing */
	c = NULL;
	assert_int_equal(mw_smtp_connect_by("127.0.0.1", f.port, NULL, 1000,
					    mw_smtp_now_ms() - 1, &c, err, sizeof(err)),
			 MW_SMTP_DEADLINE);
	assert_null(c);
	assert_non_null(strstr(err, "overall deadline reached"));
}

static json_t *variant(const struct mw_relay_probe *p, int i)
{
	return json_array_get(json_object_get(p->json, "variants"), (size_t)i);
}

static void test_probe_helo_fallback(void **state)
{
	struct fake f = { .mode = FAKE_SMTP, .no_ehlo = 1, .max_conns = 2 };
	struct mw_relay_probe_opts o = { .host = "127.0.0.1", .domain = "example.com",
					 .untrusted_ip = "192.0.2.1", .timeout_ms = 2000 };
	struct mw_relay_probe p;
	int i;
	(void)state;

	fake_start(&f);
	o.port = f.port;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	fake_join(&f);
	assert_true(p.connected);
	assert_false(p.untrusted);
	assert_string_equal(json_string_value(json_object_get(p.json, "hello")), "HELO");
	assert_string_equal(json_string_value(json_object_get(p.json, "server_name")),
			    "fake.example");
	/* the %-hack variants (5, 6 and 8) relay, the rest is refused */
	assert_int_equal(p.relayed, 3);
	assert_int_equal(p.refused, 13);
	assert_int_equal(p.errors, 0);
	for (i = 0; i < MW_RELAY_NVARIANTS; i++) {
		const char *to = json_string_value(json_object_get(variant(&p, i), "rcpt_to"));
		const char *verdict = json_string_value(json_object_get(variant(&p, i), "verdict"));

		assert_string_equal(verdict, strchr(to, '%') ? "relayed" : "refused");
	}
	assert_string_equal(json_string_value(json_object_get(variant(&p, 4), "rcpt_to")),
			    "relaytest%example.com@[127.0.0.1]");
	assert_int_equal(json_integer_value(json_object_get(variant(&p, 0), "code")), 554);
	assert_false(f.data_seen);
	/* 13 refusals: a fresh session after every 8, so two connections */
	assert_int_equal(f.conns, 2);
	assert_true(p.elapsed_ms < 5000);
	mw_relay_probe_free(&p);
}

static void test_probe_xclient(void **state)
{
	struct fake f = { .mode = FAKE_SMTP, .xclient = 1, .max_conns = 2 };
	struct mw_relay_probe_opts o = { .host = "127.0.0.1", .domain = "example.com",
					 .untrusted_ip = "192.0.2.1", .timeout_ms = 2000 };
	struct mw_relay_probe p;
	(void)state;

	fake_start(&f);
	o.port = f.port;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	fake_join(&f);
	/* both sessions switched to the untrusted address before MAIL */
	assert_int_equal(f.conns, 2);
	assert_int_equal(f.xclients, 2);
	assert_false(f.bad_xclient);
	assert_true(p.untrusted);
	assert_true(json_is_true(json_object_get(p.json, "starttls_offered")));
	assert_true(json_is_true(json_object_get(p.json, "xclient_offered")));
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(p.json, "xclient_reply"), "code")), 220);
	assert_string_equal(json_string_value(json_object_get(p.json, "viewpoint")), "untrusted");
	assert_string_equal(json_string_value(json_object_get(p.json, "client_address")),
			    "192.0.2.1");
	assert_int_equal(p.relayed, 3);
	assert_int_equal(p.refused, 13);
	assert_int_equal(p.errors, 0);
	assert_false(f.data_seen);
	mw_relay_probe_free(&p);
}

static void test_probe_xclient_changes(void **state)
{
	struct fake f = { .mode = FAKE_SMTP, .xclient = 1, .xclient_once = 1,
			  .max_conns = 1 + 1 + MW_RELAY_MAX_RECONNECTS };
	struct mw_relay_probe_opts o = { .host = "127.0.0.1", .domain = "example.com",
					 .untrusted_ip = "192.0.2.1", .timeout_ms = 2000 };
	struct mw_relay_probe p;
	(void)state;

	fake_start(&f);
	o.port = f.port;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	fake_join(&f);
	/* variants 1-11 as a stranger (8 refusals, 3 relayed), then the
	 * fresh session is not switched: no trusted results mixed in */
	assert_true(p.untrusted);
	assert_int_equal(p.relayed, 3);
	assert_int_equal(p.refused, 8);
	assert_int_equal(p.errors, 5);
	assert_non_null(strstr(p.error, "XCLIENT answered differently"));
	assert_int_equal(f.conns, 1 + 1 + MW_RELAY_MAX_RECONNECTS);
	mw_relay_probe_free(&p);
}

static void test_probe_ipv6(void **state)
{
	struct fake f = { .mode = FAKE_SMTP, .xclient = 1, .v6 = 1, .max_conns = 2,
			  .want_xclient = "XCLIENT ADDR=IPV6:2001:db8::1 NAME=[UNAVAILABLE]" };
	struct mw_relay_probe_opts o = { .host = "::1", .domain = "example.com",
					 .untrusted_ip = "2001:db8::1", .timeout_ms = 2000 };
	struct mw_relay_probe p;
	int probe = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char want[64];
	(void)state;

	/* a host without IPv6 loopback cannot run this one */
	if (probe < 0 || bind(probe, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (probe >= 0)
			close(probe);
		skip();
	}
	close(probe);
	fake_start(&f);
	o.port = f.port;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	fake_join(&f);
	assert_int_equal(f.xclients, 2);
	assert_false(f.bad_xclient);
	assert_true(p.untrusted);
	snprintf(want, sizeof(want), "[::1]:%s", f.port);
	assert_string_equal(json_string_value(json_object_get(p.json, "target")), want);
	assert_string_equal(json_string_value(json_object_get(p.json, "peer_address")), "::1");
	/* RFC 5321 IPv6 address literals in the variants */
	assert_string_equal(json_string_value(json_object_get(variant(&p, 4), "rcpt_to")),
			    "relaytest%example.com@[IPv6:::1]");
	assert_string_equal(json_string_value(json_object_get(variant(&p, 11), "rcpt_to")),
			    "@[IPv6:::1]:relaytest@example.com");
	assert_int_equal(p.relayed, 3);
	mw_relay_probe_free(&p);
}

static void test_probe_session_lost(void **state)
{
	/* greeting and EHLO, then the server hangs up at the first RSET */
	static const char *const chunks[] = {
		"220 flaky.example ESMTP\r\n", "250 flaky.example\r\n", NULL
	};
	struct fake f = { .mode = FAKE_SCRIPT, .chunks = chunks, .max_conns = 3 };
	struct mw_relay_probe_opts o = { .host = "127.0.0.1", .domain = "example.com",
					 .timeout_ms = 1000 };
	struct mw_relay_probe p;
	(void)state;

	fake_start(&f);
	o.port = f.port;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	fake_join(&f);
	/* one first session plus MW_RELAY_MAX_RECONNECTS, then give up */
	assert_int_equal(f.conns, 1 + MW_RELAY_MAX_RECONNECTS);
	assert_int_equal(p.errors, MW_RELAY_NVARIANTS);
	assert_int_equal(p.relayed, 0);
	assert_non_null(strstr(p.error, "session lost"));
	mw_relay_probe_free(&p);
}

static void test_echoed_address(void **state)
{
	char a[64];
	(void)state;

	mw_relay_echoed_address("mx.example Hello probe.example [198.51.100.66]\nSIZE", a, sizeof(a));
	assert_string_equal(a, "198.51.100.66");
	mw_relay_echoed_address("x Hello [IPv6:2001:db8::7], pleased", a, sizeof(a));
	assert_string_equal(a, "2001:db8::7");
	/* not addresses: networks, names, unterminated, nothing */
	mw_relay_echoed_address("x [10.0.0.0/8] [mx.example] [192.0.2.1", a, sizeof(a));
	assert_string_equal(a, "");
	mw_relay_echoed_address("mw-test.localdomain", a, sizeof(a));
	assert_string_equal(a, "");
}

static void test_probe_hangup_retried(void **state)
{
	/* the server hangs up after every third refusal: each variant lost
	 * that way gets a fresh session and all 16 are tested */
	struct fake f = { .mode = FAKE_SMTP, .hangup_after = 3, .max_conns = 10 };
	struct mw_relay_probe_opts o = { .host = "127.0.0.1", .domain = "example.com",
					 .timeout_ms = 2000 };
	struct mw_relay_probe p;
	(void)state;

	fake_start(&f);
	o.port = f.port;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	fake_join(&f);
	assert_int_equal(p.relayed, 3);
	assert_int_equal(p.refused, 13);
	assert_int_equal(p.errors, 0);
	assert_int_equal(p.error[0], '\0');
	/* 13 refusals, 3 per session: sessions 1-4 hang up, the 5th ends */
	assert_int_equal(p.sessions, 5);
	assert_int_equal(f.conns, 5);
	assert_int_equal(p.retried, 4);
	assert_false(f.data_seen);
	mw_relay_probe_free(&p);
}

static void test_probe_slow_server_deadline(void **state)
{
	/* every reply 250 ms late, just under the 300 ms step timeout: without
	 * an overall deadline one probe takes ~13 s (two sessions, 3 steps per
	 * variant); with a 2 s deadline it stops at 2 s and says what it left */
	struct fake f = { .mode = FAKE_SMTP, .delay_ms = 250, .max_conns = 1 };
	struct mw_relay_probe_opts o = { .host = "127.0.0.1", .domain = "example.com",
					 .timeout_ms = 300,
					 .deadline_what = "[relay] probe_deadline_s = 2" };
	struct mw_relay_probe p;
	long long t0, wall;
	char want[64];
	(void)state;

	fake_start(&f);
	o.port = f.port;
	t0 = mw_smtp_now_ms();
	o.deadline = t0 + 2000;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	wall = mw_smtp_now_ms() - t0;
	fake_join(&f);
	print_message("slow server: probe stopped after %lld ms, at variant %d\n", wall,
		      p.not_tested_from);
	assert_true(wall >= 1900);
	assert_true(wall < 2500);
	assert_true(p.connected);
	/* greeting + EHLO 0.5 s, then 0.75 s per variant: the 2nd would end
	 * right at 2 s, so the deadline cuts the 2nd or the 3rd */
	assert_true(p.not_tested_from >= 2 && p.not_tested_from <= 4);
	snprintf(want, sizeof(want), "variants %d-16 not tested", p.not_tested_from);
	assert_non_null(strstr(p.stopped, "probe stopped after 2 s: "));
	assert_non_null(strstr(p.stopped, want));
	assert_non_null(strstr(p.stopped, "[relay] probe_deadline_s = 2 reached"));
	/* what was tested is kept; what was not is neither a pass nor an error */
	assert_int_equal(json_array_size(json_object_get(p.json, "variants")),
			 (size_t)p.not_tested_from - 1);
	assert_int_equal(json_array_size(json_object_get(p.json, "not_tested")),
			 (size_t)(MW_RELAY_NVARIANTS - p.not_tested_from + 1));
	assert_int_equal(p.relayed + p.refused, (unsigned)p.not_tested_from - 1);
	assert_int_equal(p.errors, 0);
	assert_string_equal(json_string_value(json_object_get(p.json, "stopped")), p.stopped);
	mw_relay_probe_free(&p);
}

static void test_probe_run_deadline_passed(void **state)
{
	/* the run's budget is spent before this target: nothing is tried */
	struct mw_relay_probe_opts o = { .host = "127.0.0.1", .port = "1",
					 .domain = "example.com", .timeout_ms = 300,
					 .deadline_what = "[relay] run_deadline_s = 120" };
	struct mw_relay_probe p;
	(void)state;

	o.deadline = mw_smtp_now_ms() - 1;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	assert_false(p.connected);
	assert_int_equal(p.not_tested_from, 1);
	assert_non_null(strstr(p.stopped, "variants 1-16 not tested "
			       "([relay] run_deadline_s = 120 reached)"));
	assert_int_equal(p.error[0], '\0');
	mw_relay_probe_free(&p);
}

static void test_probe_greeting_refused(void **state)
{
	static const char *const chunks[] = { "554 5.7.1 go away\r\n", NULL };
	struct fake f = { .mode = FAKE_SCRIPT, .chunks = chunks };
	struct mw_relay_probe_opts o = { .host = "127.0.0.1", .domain = "example.com",
					 .timeout_ms = 2000 };
	struct mw_relay_probe p;
	(void)state;

	fake_start(&f);
	o.port = f.port;
	assert_int_equal(mw_relay_probe_run(&o, &p), MW_OK);
	fake_join(&f);
	assert_true(p.connected);
	assert_int_equal(p.relayed, 0);
	assert_int_equal(json_array_size(json_object_get(p.json, "variants")), 0);
	assert_non_null(strstr(p.error, "refused the session: 5.7.1 go away"));
	mw_relay_probe_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_single_and_multiline),
		cmocka_unit_test(test_parse_lenient_forms),
		cmocka_unit_test(test_parse_bad_codes),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_parse_target),
		cmocka_unit_test(test_socket_reply_in_pieces),
		cmocka_unit_test(test_socket_close_mid_reply),
		cmocka_unit_test(test_socket_overlong_and_garbage),
		cmocka_unit_test(test_socket_timeout_and_refused),
		cmocka_unit_test(test_socket_deadline),
		cmocka_unit_test(test_probe_helo_fallback),
		cmocka_unit_test(test_probe_xclient),
		cmocka_unit_test(test_probe_xclient_changes),
		cmocka_unit_test(test_probe_ipv6),
		cmocka_unit_test(test_probe_session_lost),
		cmocka_unit_test(test_echoed_address),
		cmocka_unit_test(test_probe_hangup_retried),
		cmocka_unit_test(test_probe_greeting_refused),
		cmocka_unit_test(test_probe_slow_server_deadline),
		cmocka_unit_test(test_probe_run_deadline_passed),
	};

	return cmocka_run_group_tests_name("relay_smtp", tests, NULL, NULL);
}
