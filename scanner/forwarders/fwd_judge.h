/*
 * Pure judging helpers for forwarder destinations: no I/O, unit-tested.
 */
#ifndef MW_FWD_JUDGE_H
#define MW_FWD_JUDGE_H

#include <stddef.h>

#include "core/strlist.h"

/*
 * Domain part of a destination address: the text after the last '@' with
 * surrounding <>, quotes and blanks removed, lowercased into dst. Returns 0
 * and dst = "" for a bare local part (no '@'), -1 when dst is too small.
 */
int mw_fwd_address_domain(const char *addr, char *dst, size_t dstlen);

/*
 * 1 when addr goes off this host: it has a domain, the domain is not in
 * local (MTA and configured local domains, matched case-insensitively,
 * also as a subdomain of an entry starting with '.') and not in allowed.
 * "localhost" and bare local parts are local. A destination whose domain
 * (or, without a domain, whose whole text) holds a variable ("${x}",
 * Exim "$h_reply-to:") is external: nothing shows that it stays here.
 */
int mw_fwd_address_is_external(const char *addr, const struct mw_strlist *local,
			    const struct mw_strlist *allowed);

/* 1 when the domain belongs to a large free mail provider. */
int mw_fwd_domain_is_freemail(const char *domain);

/*
 * 1 when a pipe command runs a program from a standard MTA, delivery
 * agent, list manager or panel path (Dovecot LDA, procmail, maildrop,
 * Mailman, cPanel/DirectAdmin autoresponders, spamc); 0 for anything else,
 * including interpreters (php, perl, python, sh), relative programs and
 * sendmail with a fixed address list.
 */
int mw_fwd_pipe_is_standard(const char *cmd);

#endif
