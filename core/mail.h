/*
 * Mail to the administrator through the local MTA (sendmail -t -oi, run
 * without a shell): the nightly audit's report and the watch's findings.
 */
#ifndef MW_MAIL_H
#define MW_MAIL_H

#include <stddef.h>

#include "core/error.h"

#define MW_MAIL_TIMEOUT_MS	60000
#define MW_MAX_MAIL_BODY	(1u << 20)	/* larger reports are cut */

/*
 * Send body to `to` with `subject` via `sendmail -t -oi` (sendmail is a
 * path; the recipient goes in the To: header, so neither reaches a command
 * line). to and subject must not contain CR or LF. Returns MW_OK, or an
 * error with a message in err: the program is missing, could not start,
 * timed out or exited non-zero (with its stderr).
 */
enum mw_err mw_mail_send(const char *sendmail, const char *to, const char *subject,
			 const char *body, size_t len, char *err, size_t errlen);

#endif
