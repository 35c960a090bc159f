/*
 * A small SMTP client for the open-relay probe: one blocking-with-deadline
 * connection, commands one at a time, replies parsed strictly (RFC 5321
 * 4.2) with a cap on line length, line count and bytes per reply. It never
 * sends DATA; it only needs greeting, EHLO/HELO, XCLIENT, MAIL, RCPT, RSET
 * and QUIT.
 */
#ifndef MW_RELAY_SMTP_H
#define MW_RELAY_SMTP_H

#include <stddef.h>

/*
 * RFC 5321 4.5.3.1.5 caps a reply line at 512 octets; real servers stay
 * well below it. We allow twice that and call anything longer a protocol
 * error rather than buffering without bound.
 */
#define MW_SMTP_MAX_LINE	1024	/* one reply line incl. CRLF */
#define MW_SMTP_MAX_REPLY_LINES	64	/* lines of one multi-line reply */
#define MW_SMTP_MAX_REPLY_BYTES	16384	/* bytes of one reply */
#define MW_SMTP_MAX_REPLY_TEXT	2048	/* text kept (lines joined by \n) */
#define MW_SMTP_MAX_COMMAND	1000	/* RFC 5321 4.5.3.1.4 */

enum mw_smtp_status {
	MW_SMTP_OK = 0,
	MW_SMTP_INCOMPLETE,	/* parser: more bytes needed */
	MW_SMTP_BAD_CODE,	/* line does not start with a valid reply code */
	MW_SMTP_BAD_SEPARATOR,	/* code not followed by ' ', '-' or end */
	MW_SMTP_CODE_MISMATCH,	/* lines of one reply carry different codes */
	MW_SMTP_LINE_TOO_LONG,
	MW_SMTP_TOO_MANY_LINES,
	MW_SMTP_REPLY_TOO_LONG,
	MW_SMTP_NUL,		/* NUL byte inside a reply */
	MW_SMTP_CLOSED,		/* peer closed the connection */
	MW_SMTP_TIMEOUT,
	MW_SMTP_DEADLINE,	/* the connection's overall deadline passed */
	MW_SMTP_REFUSED,	/* connect: nothing listens */
	MW_SMTP_RESOLVE,	/* HOST could not be resolved */
	MW_SMTP_BAD_COMMAND,	/* command with CR, LF or NUL, or too long */
	MW_SMTP_IO,		/* other socket error (errno kept) */
	MW_SMTP_NOMEM,
	MW_SMTP__COUNT
};

struct mw_smtp_reply {
	int code;		/* 200..599 */
	unsigned nlines;
	int text_truncated;	/* text cut at MW_SMTP_MAX_REPLY_TEXT */
	char text[MW_SMTP_MAX_REPLY_TEXT];	/* lines' text after the
						 * code, joined by '\n' */
};

/* Short static description ("reply line too long"). */
const char *mw_smtp_strstatus(enum mw_smtp_status s);

/*
 * Parse one complete reply from the start of buf[0..len). Returns
 * MW_SMTP_OK with *consumed = bytes used (through the final line's LF),
 * MW_SMTP_INCOMPLETE when the final line has not arrived yet, or a
 * protocol error. Lines end with CRLF or a bare LF. The first digit of a
 * code must be 2-5 and the second 0-5; every line of a multi-line reply
 * must carry the same code. A line longer than MW_SMTP_MAX_LINE is an error
 * even before its LF arrives, so a peer cannot make us buffer forever.
 * Pure function: used by the socket reader and by the fuzzer.
 */
enum mw_smtp_status mw_smtp_parse_reply(const char *buf, size_t len,
					struct mw_smtp_reply *r,
					size_t *consumed);

/*
 * 1 when a reply to EHLO advertises keyword kw (case-insensitive, first
 * word of a line after the greeting line); *params (if given) then points
 * into r->text at the rest of that line (up to '\n' or NUL, length in
 * *params_len).
 */
int mw_smtp_ehlo_has(const struct mw_smtp_reply *r, const char *kw,
		     const char **params, size_t *params_len);

struct mw_smtp_conn;

/*
 * Connect to host:port (numeric address or name; port numeric or a
 * service name), trying each resolved address in turn, each with the
 * timeout. On success *out is a new connection (free with
 * mw_smtp_close). err receives a one-line reason on failure.
 */
enum mw_smtp_status mw_smtp_connect(const char *host, const char *port,
				    unsigned timeout_ms,
				    struct mw_smtp_conn **out,
				    char *err, size_t errlen);

/*
 * The same, with the connection bound to the numeric local address source
 * first (NULL: the kernel's choice). Only addresses of source's family are
 * tried. A source that is not an address gives MW_SMTP_BAD_COMMAND.
 */
enum mw_smtp_status mw_smtp_connect_from(const char *host, const char *port,
					 const char *source, unsigned timeout_ms,
					 struct mw_smtp_conn **out,
					 char *err, size_t errlen);

/*
 * The same, and never waiting past deadline (CLOCK_MONOTONIC ms as from
 * mw_smtp_now_ms(); 0 = none): each address's connect waits at most
 * min(now + timeout_ms, deadline). A deadline already passed connects to
 * nothing. The connection keeps the deadline (mw_smtp_set_deadline).
 * Running out of it gives MW_SMTP_DEADLINE, not MW_SMTP_TIMEOUT, so the
 * caller can tell a slow step from an exhausted budget. Name resolution
 * (getaddrinfo) is not bounded by it.
 */
enum mw_smtp_status mw_smtp_connect_by(const char *host, const char *port,
				       const char *source, unsigned timeout_ms,
				       long long deadline, struct mw_smtp_conn **out,
				       char *err, size_t errlen);

/* CLOCK_MONOTONIC in milliseconds: the clock of the deadlines here. */
long long mw_smtp_now_ms(void);

/*
 * Set the connection's overall deadline (0 = none). Every later wait of
 * mw_smtp_read_reply, mw_smtp_command and mw_smtp_quit ends at
 * min(step timeout, deadline), with MW_SMTP_DEADLINE when the deadline
 * was the earlier one.
 */
void mw_smtp_set_deadline(struct mw_smtp_conn *c, long long deadline);

/*
 * Read one reply; waits at most the connection's timeout (and never past
 * its deadline) for the whole reply. After any status other than MW_SMTP_OK the connection is not
 * usable any more (the reply stream is out of step).
 */
enum mw_smtp_status mw_smtp_read_reply(struct mw_smtp_conn *c,
				       struct mw_smtp_reply *r);

/*
 * Send cmd (without CRLF; CRLF is added) and read the reply. A command
 * containing CR, LF or NUL or longer than MW_SMTP_MAX_COMMAND is refused
 * with MW_SMTP_BAD_COMMAND and nothing is sent.
 */
enum mw_smtp_status mw_smtp_command(struct mw_smtp_conn *c, const char *cmd,
				    struct mw_smtp_reply *r);

/* Numeric local and peer addresses of the connection ("" if unknown). */
const char *mw_smtp_local_addr(const struct mw_smtp_conn *c);
const char *mw_smtp_peer_addr(const struct mw_smtp_conn *c);
/* Address family of the peer (AF_INET or AF_INET6). */
int mw_smtp_peer_family(const struct mw_smtp_conn *c);

/* Send QUIT (best effort, no waiting for long) and close; NULL is fine. */
void mw_smtp_quit(struct mw_smtp_conn *c);
/* Close without QUIT; NULL is fine. */
void mw_smtp_close(struct mw_smtp_conn *c);

#endif
