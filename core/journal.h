/*
 * Structured entries for the systemd journal, written over journald's
 * native datagram protocol (/run/systemd/journal/socket, see
 * systemd.journal-fields(7) and the "Native Journal Protocol" document):
 * KEY=value lines in one datagram, so fields reach Loki or Elasticsearch
 * without a parser. Where there is no journald, the entry goes to syslog
 * as one line with the fields appended.
 */
#ifndef MW_JOURNAL_H
#define MW_JOURNAL_H

#include <stddef.h>

#include "core/buf.h"

#define MW_JOURNAL_SOCKET "/run/systemd/journal/socket"

struct mw_journal_field {
	const char *name;	/* [A-Z0-9_], not starting with '_'; NULL ends */
	const char *value;	/* NULL: field left out */
};

/*
 * Send one entry: MESSAGE, PRIORITY (a LOG_* level), SYSLOG_IDENTIFIER=
 * mailwarden and the fields (n of them; a NULL value is skipped). Values
 * are sent as given, cut at MW_MAX_JOURNAL_VALUE bytes; callers pass
 * escaped text (a field with a newline still arrives whole: it is sent in
 * the protocol's length-prefixed form). Returns 0 when journald took it,
 * 1 when it went to syslog instead (no journal socket), a negative errno
 * when it was lost.
 */
int mw_journal_send(int priority, const char *message,
		    const struct mw_journal_field *fields, size_t n);

/* The datagram mw_journal_send() sends, appended to b (for the tests).
 * MW_ERR_NOMEM when b cannot grow. */
enum mw_err mw_journal_format(struct mw_buf *b, int priority, const char *message,
			      const struct mw_journal_field *fields, size_t n);

#endif
