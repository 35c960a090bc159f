/* Mail through the local MTA (core/mail.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/spawn.h"
#include "core/mail.h"

static int has_newline(const char *s)
{
	return strchr(s, '\n') || strchr(s, '\r');
}

enum mw_err mw_mail_send(const char *sendmail, const char *to, const char *subject,
			 const char *body, size_t len, char *err, size_t errlen)
{
	const char *argv[] = { sendmail, "-t", "-oi", NULL };
	struct mw_spawn_result res;
	struct mw_buf msg, out, errb;
	enum mw_err e;

	if (has_newline(to) || has_newline(subject) || !*to) {
		snprintf(err, errlen, "mail_to '%s' is not a single address line", to);
		return MW_ERR_CONFIG;
	}
	if (len > MW_MAX_MAIL_BODY)
		len = MW_MAX_MAIL_BODY;
	mw_buf_init(&msg, MW_MAX_MAIL_BODY + 4096);
	mw_buf_init(&out, 65536);
	mw_buf_init(&errb, 65536);
	e = mw_buf_printf(&msg, "To: %s\nSubject: %s\nAuto-Submitted: auto-generated\n"
			  "Content-Type: text/plain; charset=utf-8\n\n", to, subject);
	if (!e)
		e = mw_buf_append(&msg, body, len);
	if (e) {
		snprintf(err, errlen, "cannot build the mail: %s", mw_strerror(e));
		goto out;
	}
	e = mw_spawn_capture(argv, msg.data, msg.len, &out, 65536, &errb,
			     MW_MAIL_TIMEOUT_MS, &res);
	if (e) {
		snprintf(err, errlen, "%s: cannot run: %s", sendmail, strerror(errno));
		goto out;
	}
	if (res.timed_out || !res.exited || res.status != 0) {
		const char *why = mw_buf_str(&errb);

		snprintf(err, errlen, "%s -t -oi %s %d%s%.300s", sendmail,
			 res.timed_out ? "timed out, status" : res.exited ? "exited with status" :
			 "killed by signal", res.status, *why ? ": " : "", why);
		e = MW_ERR_IO;
	}
out:
	mw_buf_free(&msg);
	mw_buf_free(&out);
	mw_buf_free(&errb);
	return e;
}
