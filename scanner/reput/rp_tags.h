/*
 * Tag=value lists, the syntax DKIM key records (RFC 6376 3.2) and DMARC
 * records (RFC 7489 6.4) share, and the parsers of those two records on
 * top of it. Pure functions over the record text; fuzzed.
 */
#ifndef MW_REPUT_TAGS_H
#define MW_REPUT_TAGS_H

#include <stddef.h>

#define RP_MAX_TAGS	32

struct rp_tag {
	const char *name, *value;	/* point into the text */
	size_t name_len, value_len;	/* trimmed of folding white space */
};

/*
 * Split text into tags: "name = value" separated by ';', white space
 * around names and values ignored, one trailing ';' allowed. Returns the
 * number of tags, or -1 with a reason in err: empty or malformed name, a
 * tag without '=', a name given twice, more than RP_MAX_TAGS.
 */
int mw_rp_tags_parse(const char *text, struct rp_tag *tags, char *err, size_t errlen);

/* The tag called name (case-sensitive, as the RFCs say), or NULL. */
const struct rp_tag *mw_rp_tag_get(const struct rp_tag *tags, int n, const char *name);

struct dmarc_record {
	char p[12], sp[12];	/* none, quarantine, reject; sp "" = as p */
	char adkim, aspf;	/* 'r' or 's' */
	int pct;		/* 0..100 */
	char rua[256];		/* as written, "" when absent */
};

/*
 * Parse a DMARC record: v=DMARC1 first, p= required and valid, sp/adkim/
 * aspf/pct/fo/ri checked when present, unknown tags ignored. 0 with rec
 * filled; -1 with a reason in err.
 */
int mw_dmarc_parse(const char *text, struct dmarc_record *rec, char *err, size_t errlen);

struct dkim_key {
	char k[16];		/* key type: "rsa" (default), "ed25519" */
	const char *p;		/* base64 public key, may contain blanks */
	size_t p_len;		/* 0: revoked */
};

/*
 * Parse a DKIM key record (the TXT at SELECTOR._domainkey.DOMAIN): v=DKIM1
 * when present must come first, p= is required (empty means revoked).
 * 0 with key filled (p points into text); -1 with a reason in err.
 */
int mw_dkim_key_parse(const char *text, struct dkim_key *key, char *err, size_t errlen);

#endif
