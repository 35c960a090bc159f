#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "core/unescape.h"

char *mw_unescape_dup(const char *s, size_t n, size_t *len)
{
	char *out = malloc(n + 1);
	size_t i = 0, o = 0;
	int hi, lo;

	if (!out)
		return NULL;
	while (i < n) {
		if (s[i] != '\\' || i + 1 >= n) {
			out[o++] = s[i++];
			continue;
		}
		switch (s[i + 1]) {
		case 'n': out[o++] = '\n'; i += 2; continue;
		case 'r': out[o++] = '\r'; i += 2; continue;
		case 't': out[o++] = '\t'; i += 2; continue;
		case '\\': out[o++] = '\\'; i += 2; continue;
		case 'x':
			if (i + 3 < n && (hi = mw_ascii_hexval((unsigned char)s[i + 2])) >= 0 &&
			    (lo = mw_ascii_hexval((unsigned char)s[i + 3])) >= 0) {
				out[o++] = (char)(hi << 4 | lo);
				i += 4;
				continue;
			}
			break;
		default:
			break;
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
	if (len)
		*len = o;
	return out;
}

char *mw_unescape_str(const char *s)
{
	return s ? mw_unescape_dup(s, strlen(s), NULL) : NULL;
}
