/*
 * DKIM signer configuration and key comparison (rp_dkim.h).
 */
#include <ctype.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "scanner/reput/rp_dkim.h"
#include "sysconf/mta.h"

static void notef(struct mw_strlist *notes, const char *fmt, const char *a,
		  const char *b)
{
	char msg[700];

	snprintf(msg, sizeof(msg), fmt, a, b);
	(void)mw_strlist_add(notes, msg);
}

enum mw_err mw_dkim_read_abs(const char *path, struct mw_buf *out, size_t cap)
{
	int root, fd, trunc = 0;
	enum mw_err e;

	if (path[0] != '/')
		return MW_ERR_PARSE;
	if ((e = mw_open_dir_at(AT_FDCWD, "/", &root)) != MW_OK)
		return e;
	e = mw_open_beneath(root, path, 0, &fd, NULL);
	close(root);
	if (e != MW_OK)
		return e;
	e = mw_read_fd_capped(fd, out, cap, &trunc);
	close(fd);
	return e == MW_OK && trunc ? MW_ERR_TOOBIG : e;
}

void mw_dkim_add_signer(struct dkim_signers *out, const char *domain, size_t dl,
		     const char *sel, size_t sl, const char *key, size_t kl,
		     const char *source)
{
	struct dkim_signer *s;

	if (!dl || !sl || !kl)
		return;
	if (out->n >= DKIM_MAX_SIGNERS) {
		out->dropped++;
		return;
	}
	s = &out->v[out->n];
	if (dl >= sizeof(s->domain) || sl >= sizeof(s->selector) || kl >= sizeof(s->keyfile))
		return;
	memcpy(s->domain, domain, dl);
	s->domain[dl] = '\0';
	memcpy(s->selector, sel, sl);
	s->selector[sl] = '\0';
	memcpy(s->keyfile, key, kl);
	s->keyfile[kl] = '\0';
	snprintf(s->source, sizeof(s->source), "%s", source);
	out->n++;
}

/* The file behind an OpenDKIM data set name ("file:/x", "refile:/x",
 * "/x"), or NULL when it is another kind of data set. */
static const char *dataset_file(const char *v)
{
	if (strncmp(v, "file:", 5) == 0)
		return v + 5;
	if (strncmp(v, "refile:", 7) == 0)
		return v + 7;
	return v[0] == '/' ? v : NULL;
}

/* KeyTable lines: "name domain:selector:keyfile". */
static void read_keytable(const char *path, struct dkim_signers *out,
			  struct mw_strlist *notes)
{
	struct mw_buf b;
	struct mw_lines it;
	const char *line;
	size_t n;
	int overlong;
	char src[600];

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_dkim_read_abs(path, &b, MW_MAX_TEXT_FILE) != MW_OK) {
		notef(notes, "opendkim KeyTable %s cannot be read%s", path, "");
		mw_buf_free(&b);
		return;
	}
	mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		const char *v, *c1, *c2, *end = line + n;
		size_t k = 0;

		while (k < n && isspace((unsigned char)line[k]))
			k++;
		if (overlong || k == n || line[k] == '#')
			continue;
		while (k < n && !isspace((unsigned char)line[k]))
			k++;
		while (k < n && isspace((unsigned char)line[k]))
			k++;
		v = line + k;
		while (end > v && isspace((unsigned char)end[-1]))
			end--;
		c1 = memchr(v, ':', (size_t)(end - v));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (!c2)
			continue;
		snprintf(src, sizeof(src), "%s:%lu", path, it.lineno);
		mw_dkim_add_signer(out, v, (size_t)(c1 - v), c1 + 1, (size_t)(c2 - c1 - 1),
			   c2 + 1, (size_t)(end - c2 - 1), src);
	}
	mw_buf_free(&b);
}

void mw_dkim_read_opendkim(const char *conf, int must_exist, struct dkim_signers *out,
			struct mw_strlist *notes)
{
	char keytable[512] = "", domain[2048] = "", selector[64] = "", keyfile[512] = "";
	char src[600];
	struct mw_buf b;
	struct mw_lines it;
	const char *line, *f;
	size_t n;
	int overlong;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_dkim_read_abs(conf, &b, MW_MAX_TEXT_FILE) != MW_OK) {
		if (must_exist)
			notef(notes, "OpenDKIM configuration %s cannot be read%s", conf, "");
		mw_buf_free(&b);
		return;
	}
	out->configured = 1;
	mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		size_t k = 0, kl, vs;
		char *dst = NULL;
		size_t dlen = 0;

		while (k < n && isspace((unsigned char)line[k]))
			k++;
		if (overlong || k == n || line[k] == '#')
			continue;
		kl = k;
		while (kl < n && !isspace((unsigned char)line[kl]))
			kl++;
		vs = kl;
		while (vs < n && isspace((unsigned char)line[vs]))
			vs++;
		while (n > vs && (isspace((unsigned char)line[n - 1])))
			n--;
		if (kl - k == 8 && strncasecmp(line + k, "KeyTable", 8) == 0)
			dst = keytable, dlen = sizeof(keytable);
		else if (kl - k == 6 && strncasecmp(line + k, "Domain", 6) == 0)
			dst = domain, dlen = sizeof(domain);
		else if (kl - k == 8 && strncasecmp(line + k, "Selector", 8) == 0)
			dst = selector, dlen = sizeof(selector);
		else if (kl - k == 7 && strncasecmp(line + k, "KeyFile", 7) == 0)
			dst = keyfile, dlen = sizeof(keyfile);
		if (dst && n - vs < dlen) {
			memcpy(dst, line + vs, n - vs);
			dst[n - vs] = '\0';
		}
	}
	mw_buf_free(&b);
	if (keytable[0]) {
		if ((f = dataset_file(keytable)))
			read_keytable(f, out, notes);
		else
			notef(notes, "OpenDKIM KeyTable %s is not a file: its keys are not "
			      "checked%s", keytable, "");
		return;
	}
	if (!domain[0] || !selector[0] || !keyfile[0])
		return;
	if (dataset_file(domain)) {
		notef(notes, "OpenDKIM Domain %s is a file: give the domains with "
		      "--domain%s", domain, "");
		return;
	}
	snprintf(src, sizeof(src), "%s (Domain/Selector/KeyFile)", conf);
	for (f = domain; *f;) {
		size_t dl = strcspn(f, ", \t");

		mw_dkim_add_signer(out, f, dl, selector, strlen(selector), keyfile,
			   strlen(keyfile), src);
		f += dl;
		f += strspn(f, ", \t");
	}
}

void mw_dkim_read_exim_text(const char *text, size_t len, struct dkim_signers *out,
			 struct mw_strlist *notes)
{
	struct mw_kvlist kv = { 0 };
	const char *dom = NULL, *sel = NULL, *key = NULL;
	size_t i;

	if (mw_kv_parse(text, len, &kv) != MW_OK) {
		mw_kv_free(&kv);
		return;
	}
	/* exim -bP prints one transport's options together, alphabetically:
	 * a triple is complete when all three were seen since the last one */
	for (i = 0; i < kv.n; i++) {
		const char *nm = kv.v[i].name, *v = kv.v[i].value;

		if (strcmp(nm, "dkim_domain") == 0)
			dom = v;
		else if (strcmp(nm, "dkim_selector") == 0)
			sel = v;
		else if (strcmp(nm, "dkim_private_key") == 0)
			key = v;
		else
			continue;
		if (!dom || !sel || !key)
			continue;
		if (*dom && *sel && *key) {
			out->configured = 1;
			if (strchr(dom, '$') || strchr(sel, '$') || strchr(key, '$'))
				notef(notes, "Exim signs with expanded DKIM settings (dkim_domain "
				      "%s): give the domains with --domain%s", dom, "");
			else
				mw_dkim_add_signer(out, dom, strlen(dom), sel, strlen(sel), key,
					   strlen(key), "exim -bP transports");
		}
		dom = sel = key = NULL;
	}
	mw_kv_free(&kv);
}

void mw_dkim_read_exim(struct dkim_signers *out, struct mw_strlist *notes)
{
	static const char *const args[] = { "-bP", "transports", NULL };
	char path[MW_MAX_PATH], err[300];
	const char *prog = mw_exim_program(NULL, path, sizeof(path));
	struct mw_buf b;

	if (!prog)
		return;
	if (mw_exim(prog, args, 0, &b, err, sizeof(err)) == MW_OK)
		mw_dkim_read_exim_text(b.data ? b.data : "", b.len, out, notes);
	else
		notef(notes, "%.200s -bP transports failed: Exim's DKIM keys not checked%s",
		      prog, "");
	mw_buf_free(&b);
}

/* Hex SHA-256 of the DER SubjectPublicKeyInfo of k into fp. */
static void fingerprint(EVP_PKEY *k, char fp[DKIM_FP_LEN])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);

	fp[0] = '\0';
	if (n > 0)
		mw_sha256_hex(der, (size_t)n, fp);
	OPENSSL_free(der);
}

/* p= into a public key of type kt, or NULL. */
static EVP_PKEY *dns_key(const struct dkim_key *dns)
{
	unsigned char in[4096], out[3072];
	const unsigned char *q = out;
	EVP_PKEY *k = NULL;
	size_t i, il = 0;
	int ol, pad = 0;

	for (i = 0; i < dns->p_len; i++) {
		if (isspace((unsigned char)dns->p[i]))
			continue;
		if (il + 1 >= sizeof(in))
			return NULL;
		in[il++] = (unsigned char)dns->p[i];
	}
	if (il == 0 || il % 4)
		return NULL;
	ol = EVP_DecodeBlock(out, in, (int)il);
	if (ol < 0)
		return NULL;
	pad = (in[il - 1] == '=') + (in[il - 2] == '=');
	ol -= pad;
	if (strcasecmp(dns->k, "ed25519") == 0)
		return ol == 32 ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, out, 32) :
		       NULL;
	if (strcasecmp(dns->k, "rsa") != 0)
		return NULL;
	/* RFC 6376 says RSAPublicKey; what everyone publishes is the
	 * SubjectPublicKeyInfo: take either */
	k = d2i_PUBKEY(NULL, &q, ol);
	if (!k) {
		q = out;
		k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, ol);
	}
	if (k && EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}

/* Never prompt for a pass phrase: an encrypted key cannot be what a
 * signer daemon loads unattended anyway. */
static int no_passphrase(char *buf, int size, int rw, void *u)
{
	(void)buf;
	(void)size;
	(void)rw;
	(void)u;
	return 0;
}

/* The key record for the public half of priv into dst ("" if none). */
static void key_record(EVP_PKEY *priv, char *dst, size_t len)
{
	unsigned char raw[64], *der = NULL, b64[1400];
	size_t rl = sizeof(raw);
	int n, ed = EVP_PKEY_get_base_id(priv) == EVP_PKEY_ED25519;

	dst[0] = '\0';
	if (ed) {
		if (EVP_PKEY_get_raw_public_key(priv, raw, &rl) != 1)
			return;
		n = EVP_EncodeBlock(b64, raw, (int)rl);
	} else {
		n = i2d_PUBKEY(priv, &der);
		if (n <= 0 || (size_t)n > (sizeof(b64) / 4) * 3 - 3) {
			OPENSSL_free(der);
			return;
		}
		n = EVP_EncodeBlock(b64, der, n);
		OPENSSL_free(der);
	}
	if (n > 0)
		snprintf(dst, len, "v=DKIM1; k=%s; p=%.*s", ed ? "ed25519" : "rsa", n,
			 (const char *)b64);
}

enum dkim_cmp mw_dkim_compare(const char *keyfile, const struct dkim_key *dns,
			   char fp_disk[DKIM_FP_LEN], char fp_dns[DKIM_FP_LEN],
			   char *record, size_t reclen, char *why, size_t whylen)
{
	EVP_PKEY *pub, *priv = NULL;
	struct mw_buf b;
	BIO *bio;
	enum dkim_cmp r;
	enum mw_err e;

	fp_disk[0] = fp_dns[0] = '\0';
	record[0] = '\0';
	pub = dns ? dns_key(dns) : NULL;
	if (pub)
		fingerprint(pub, fp_dns);
	mw_buf_init(&b, DKIM_MAX_KEYFILE);
	e = mw_dkim_read_abs(keyfile, &b, DKIM_MAX_KEYFILE);
	if (e == MW_OK && b.len && (bio = BIO_new_mem_buf(b.data, (int)b.len))) {
		priv = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
		BIO_free(bio);
	}
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	mw_buf_free(&b);
	if (priv) {
		fingerprint(priv, fp_disk);
		key_record(priv, record, reclen);
	}
	if (!priv) {
		snprintf(why, whylen, "%s", e == MW_OK ? "the key file holds no PEM private key "
			 "(or an encrypted one)" : mw_strerror(e));
		r = DKIM_BAD_PRIVATE_KEY;
	} else if (!dns) {
		r = DKIM_MATCH;	/* nothing to compare with */
	} else if (!pub) {
		snprintf(why, whylen, "p= is not a %s public key", dns->k);
		r = DKIM_BAD_DNS_KEY;
	} else if (EVP_PKEY_eq(priv, pub) == 1) {
		r = DKIM_MATCH;
	} else {
		snprintf(why, whylen, "the key in DNS (sha256 %.16s) is not the public half "
			 "of the key on disk (sha256 %.16s)", fp_dns, fp_disk);
		r = DKIM_MISMATCH;
	}
	EVP_PKEY_free(pub);
	EVP_PKEY_free(priv);
	return r;
}
