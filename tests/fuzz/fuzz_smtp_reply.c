/*
 * libFuzzer target: the SMTP reply parser of the relay probe. The input is
 * a byte stream from a hostile server; replies are parsed one after another
 * the way the socket reader does, and EHLO keyword lookup runs on each.
 */
#include <stdint.h>
#include <string.h>

#include "scanner/relay/relay.h"
#include "scanner/relay/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct mw_smtp_reply r;
	const char *params;
	size_t used, plen;

	while (size) {
		if (mw_smtp_parse_reply(p, size, &r, &used) != MW_SMTP_OK)
			break;
		/* a reply always ends at a line feed inside the input */
		if (!used || used > size || p[used - 1] != '\n' ||
		    r.code < 200 || r.code > 559 || !r.nlines ||
		    strlen(r.text) >= sizeof(r.text))
			__builtin_trap();
		if (mw_smtp_ehlo_has(&r, "XCLIENT", &params, &plen) &&
		    (params < r.text || params + plen > r.text + strlen(r.text)))
			__builtin_trap();
		(void)mw_smtp_ehlo_has(&r, "STARTTLS", NULL, NULL);
		{
			char echoed[64];

			echoed[0] = 'x';
			mw_relay_echoed_address(r.text, echoed, sizeof(echoed));
			if (!memchr(echoed, '\0', sizeof(echoed)))
				__builtin_trap();
		}
		p += used;
		size -= used;
	}
	return 0;
}
