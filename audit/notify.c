/* The nightly audit's journal entries (audit/notify.h). */
#include <stddef.h>

#include "core/journal.h"
#include "audit/notify.h"

int mw_audit_journal_priority(enum mw_severity s)
{
	return mw_severity_syslog(s);
}

int mw_audit_journal(int priority, const char *message, const char *id,
		     const char *check, const char *rule)
{
	const struct mw_journal_field f[] = {
		{ "MESSAGE_ID", MW_AUDIT_MESSAGE_ID_RUN },
		{ "MAILWARDEN_FINDING_ID", id }, { "MAILWARDEN_CHECK", check },
		{ "MAILWARDEN_RULE", rule },
	};

	return mw_journal_send(priority, message, f, sizeof(f) / sizeof(f[0]));
}
