/*
 * Where the nightly report goes besides stdout: mail through the local MTA
 * (sendmail -t -oi, run without a shell) and the systemd journal.
 */
#ifndef MW_AUDIT_NOTIFY_H
#define MW_AUDIT_NOTIFY_H

#include <stddef.h>

#include "core/error.h"
#include "core/severity.h"

#define MW_MAIL_TIMEOUT_MS	60000
#define MW_MAX_MAIL_BODY	(1u << 20)	/* larger reports are cut */

/*
 * Send body to `to` with `subject` via `sendmail -t -oi` (sendmail is a
 * path; the recipient goes in the To: header, so neither reaches a command
 * line). to and subject must not contain CR or LF. Returns MW_OK, or an
 * error with a message in err: the program is missing, could not start,
 * timed out or exited non-zero (with its stderr).
 */
enum mw_err mw_audit_mail(const char *sendmail, const char *to, const char *subject,
			  const char *body, size_t len, char *err, size_t errlen);

/* syslog priority for a finding's severity (critical -> LOG_CRIT ...). */
int mw_audit_journal_priority(enum mw_severity s);

/* MESSAGE_ID of the nightly run's summary and error entries. */
#define MW_AUDIT_MESSAGE_ID_RUN "47d58e7662354f7ea95680acf98ee73d"

/*
 * One journal entry (core/journal.h): MESSAGE, PRIORITY,
 * SYSLOG_IDENTIFIER=mailwarden, MESSAGE_ID and the MAILWARDEN_* fields
 * given (id/check/rule may be NULL: left out). Returns 0 (journal), 1
 * (syslog instead) or a negative errno (lost).
 */
int mw_audit_journal(int priority, const char *message, const char *id,
		     const char *check, const char *rule);

#endif
