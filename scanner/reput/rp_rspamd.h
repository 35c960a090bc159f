/*
 * rspamd's DKIM signing configuration (dkim_signing.conf of modules.d,
 * local.d and override.d, merged in that order as rspamd does): the
 * domain { NAME { selector; path; } } table, selectors [ ... ] lists
 * inside it, and the global selector/path with the $domain and $selector
 * placeholders. Read through a bounded parser for the subset of UCL
 * these files use: key = value; pairs, quoted and bare strings, nested
 * { } objects and [ ] arrays, # and C comments. .include and macros are
 * not followed (a note says so).
 */
#ifndef MW_REPUT_RSPAMD_H
#define MW_REPUT_RSPAMD_H

#include <stddef.h>

#include "core/strlist.h"
#include "scanner/reput/rp_dkim.h"

#define RP_UCL_MAX_NODES	1024	/* keys and values of one file */
#define RP_UCL_MAX_DEPTH	8	/* nested objects and arrays */
#define RP_UCL_MAX_KEY		254	/* bytes of a key, with NUL */
#define RP_UCL_MAX_VALUE	512	/* bytes of a string value, with NUL */

enum rp_ucl_kind { RP_UCL_STRING, RP_UCL_OBJECT, RP_UCL_ARRAY };

struct rp_ucl_node {
	int parent;		/* index, -1 = the top level */
	enum rp_ucl_kind kind;
	char key[RP_UCL_MAX_KEY];	/* "" for an array element */
	char value[RP_UCL_MAX_VALUE];	/* RP_UCL_STRING only */
};

struct rp_ucl {
	struct rp_ucl_node n[RP_UCL_MAX_NODES];
	size_t count;
	int includes;		/* .include / .priority lines skipped */
};

/*
 * Parse text into u (zeroed by the call). Returns 0, or -1 with a reason
 * in err (limits, unbalanced brackets, an unterminated string); what was
 * read up to the error stays in u.
 */
int mw_rp_ucl_parse(const char *text, size_t len, struct rp_ucl *u, char *err,
		 size_t errlen);

/* The first child of parent (-1 = top level) named key, or -1. Later
 * keys of the same name win in rspamd: so does the last one here. */
int mw_rp_ucl_get(const struct rp_ucl *u, int parent, const char *key);

/* rspamd's global signing settings, for domains the table does not name. */
struct rp_rspamd_global {
	char selector[64];
	char path[512];		/* may hold $domain and $selector */
	int found;		/* a dkim_signing.conf was read at all */
};

/*
 * Read dir/{modules.d,local.d,override.d}/dkim_signing.conf (no link
 * followed, capped). Signers of the domain table are added to out; the
 * global selector/path go into g. Unreadable or malformed files are
 * notes; a missing dir adds nothing and no note unless must_exist.
 */
void mw_rp_rspamd_read(const char *dir, int must_exist, struct dkim_signers *out,
		    struct rp_rspamd_global *g, struct mw_strlist *notes);

/*
 * The global settings applied to domain: the signer (path with $domain
 * and $selector replaced) is added to out when its key file is a regular
 * file, as rspamd then signs with it. Returns 1 when added.
 */
int mw_rp_rspamd_global_signer(const struct rp_rspamd_global *g, const char *domain,
			    struct dkim_signers *out);

#endif
