/*
 * The nightly audit's entries in the systemd journal: its summary and its
 * errors (the findings themselves go through reports/publish.h). Mail goes
 * through core/mail.h.
 */
#ifndef MW_AUDIT_NOTIFY_H
#define MW_AUDIT_NOTIFY_H

#include "core/severity.h"

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
