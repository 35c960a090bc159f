/*
 * libFuzzer target: the SPF record parser and macro expander (records
 * come from DNS, i.e. from anyone who controls a zone an include: names).
 * Every term must point inside the record; every expansion must be a
 * NUL-terminated name of at most 253 bytes.
 */
#include <stdint.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/reput/rp_spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spf_record rec;
	struct mw_ip ip4 = { .family = AF_INET, .a = { 192, 0, 2, 1 } };
	struct mw_ip ip6 = { .family = AF_INET6, .a = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	char *txt = malloc(size + 1), err[160], out[300];
	size_t i;

	if (!txt)
		return 0;
	memcpy(txt, data, size);
	txt[size] = '\0';
	if (mw_spf_parse(txt, &rec, err, sizeof(err)) == 0) {
		if (rec.n > SPF_MAX_TERMS)
			__builtin_trap();
		for (i = 0; i < rec.n; i++) {
			const struct spf_term *t = &rec.t[i];

			if (t->text < txt || t->text + t->text_len > txt + strlen(txt))
				__builtin_trap();
			if (t->spec && (t->spec < t->text ||
					t->spec + t->spec_len > t->text + t->text_len))
				__builtin_trap();
			if (t->spec && mw_spf_expand(t->spec, t->spec_len, i % 2 ? &ip6 : &ip4,
						  "user@example.org", "example.org", "mx.example.org",
						  out, sizeof(out)) == 0 && strlen(out) > 253)
				__builtin_trap();
		}
	} else if (!memchr(err, '\0', sizeof(err))) {
		__builtin_trap();
	}
	/* the whole input as a domain-spec, too */
	if (mw_spf_expand(txt, strlen(txt), &ip4, "a@b.example", "b.example", NULL, out,
		       sizeof(out)) == 0 && strlen(out) > 253)
		__builtin_trap();
	free(txt);
	return 0;
}
