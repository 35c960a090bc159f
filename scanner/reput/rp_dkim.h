/*
 * DKIM signing as configured on this host: which (domain, selector, key
 * file) the signer uses — OpenDKIM (KeyTable, or Domain/Selector/KeyFile)
 * and Exim's smtp transport dkim_* options — and whether the public key
 * published in DNS is the public half of the private key on disk. The
 * private key is read into memory only for that comparison, wiped after,
 * and never shown: findings carry SHA-256 fingerprints of public keys.
 */
#ifndef MW_REPUT_DKIM_H
#define MW_REPUT_DKIM_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/strlist.h"
#include "scanner/reput/rp_tags.h"

#define DKIM_MAX_SIGNERS	64	/* (domain, selector, key) kept */
#define DKIM_MAX_KEYFILE	(64u << 10)	/* bytes of a private key file */
#define DKIM_FP_LEN		65	/* hex SHA-256 of a public key, NUL */

struct dkim_signer {
	char domain[254];
	char selector[64];
	char keyfile[512];
	char source[600];	/* "/etc/opendkim/KeyTable:3", "exim transport" */
};

struct dkim_signers {
	struct dkim_signer v[DKIM_MAX_SIGNERS];
	size_t n, dropped;
	int configured;		/* a signer configuration was found at all */
};

/* Read path (absolute, no link followed anywhere) into out, capped:
 * MW_ERR_TOOBIG past cap. */
enum mw_err mw_dkim_read_abs(const char *path, struct mw_buf *out, size_t cap);

/* Add one signer (lengths given; empty parts or overlong ones are not
 * added; past DKIM_MAX_SIGNERS it is counted in dropped). */
void mw_dkim_add_signer(struct dkim_signers *out, const char *domain, size_t dl,
		     const char *sel, size_t sl, const char *key, size_t kl,
		     const char *source);

/*
 * Add the signers of the OpenDKIM configuration file conf (read without
 * following links, capped) to out. A KeyTable wins over Domain/Selector/
 * KeyFile, as in OpenDKIM. Tables that are not plain files (dsn:, ldap:)
 * are written as a note; so are unreadable files. A missing conf adds
 * nothing and no note unless must_exist.
 */
void mw_dkim_read_opendkim(const char *conf, int must_exist, struct dkim_signers *out,
			struct mw_strlist *notes);

/*
 * Add the signers of `exim -bP transports` output: dkim_domain,
 * dkim_selector and dkim_private_key of one transport, when none of them
 * is an expansion (those are only known per message: a note).
 */
void mw_dkim_read_exim_text(const char *text, size_t len, struct dkim_signers *out,
			 struct mw_strlist *notes);

/* Run exim -bP transports when Exim is installed and read it as above. */
void mw_dkim_read_exim(struct dkim_signers *out, struct mw_strlist *notes);

enum dkim_cmp {
	DKIM_MATCH = 0,
	DKIM_MISMATCH,		/* both keys read, they differ */
	DKIM_BAD_DNS_KEY,	/* p= does not decode to a key of type k= */
	DKIM_BAD_PRIVATE_KEY,	/* the key file cannot be read or parsed */
};

/*
 * Compare the DNS key (NULL: only read the private key) with the private
 * key in keyfile. fp_disk/fp_dns get the hex SHA-256 of each public key's
 * DER form ("" when unknown); record the key record to publish for the key
 * on disk ("v=DKIM1; k=rsa; p=..."; "" when unknown); why one line for a
 * person when the result is not DKIM_MATCH.
 */
enum dkim_cmp mw_dkim_compare(const char *keyfile, const struct dkim_key *dns,
			   char fp_disk[DKIM_FP_LEN], char fp_dns[DKIM_FP_LEN],
			   char *record, size_t reclen, char *why, size_t whylen);

#endif
