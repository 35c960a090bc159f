/*
 * The recipients of a local submission, for `mailwarden submit`: what
 * sendmail takes from its command line and, with -t, from the message's
 * To/Cc/Bcc header fields (and their Resent- forms: Postfix uses those
 * when present, so both are counted and no recipient hides from the
 * limit). The header comes from the web user's script: every field is
 * scanned once, bounded by the caller's cap, nothing is copied.
 */
#include <string.h>
#include <strings.h>

#include "scanner/harden/harden_int.h"

static int wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

long mw_hd_address_count(const char *v, size_t n)
{
	int quote = 0, angle = 0, group = 0, content = 0;
	unsigned comment = 0;
	long count = 0;

	for (size_t i = 0; i < n; i++) {
		char c = v[i];

		if (quote || comment) {
			if (c == '\\')
				i++;	/* a quoted pair: the next byte is literal */
			else if (quote && c == '"')
				quote = 0;
			else if (comment && c == '(')
				comment++;
			else if (comment && c == ')')
				comment--;
			continue;
		}
		switch (c) {
		case '"':
			quote = content = 1;
			break;
		case '(':
			comment = 1;
			break;
		case '<':
			if (angle)
				return -1;
			angle = content = 1;
			break;
		case '>':
			if (!angle)
				return -1;
			angle = 0;
			break;
		case ':':
			/* a group's display name is no address ("list: a, b;");
			 * inside <> it is an obsolete route */
			if (!angle) {
				if (group)
					return -1;
				group = 1;
				content = 0;
			}
			break;
		case ';':
			if (angle)
				break;
			if (!group)
				return -1;
			group = 0;	/* and its last member ends */
			/* fall through */
		case ',':
			if (angle)
				break;
			count += content;
			content = 0;
			break;
		default:
			if (!wsp(c))
				content = 1;
			break;
		}
	}
	if (quote || comment || angle)
		return -1;
	return count + content;
}

/* 1 when the field name name[0..n) is one sendmail -t takes recipients from. */
static int recipient_field(const char *name, size_t n)
{
	static const char *const names[] = { "to", "cc", "bcc", "resent-to", "resent-cc",
					     "resent-bcc" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncasecmp(name, names[i], n))
			return 1;
	return 0;
}

/* The end of the line at p (just past its '\n', or end). */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

size_t mw_hd_header_end(const char *hdr, size_t n)
{
	const char *p = hdr, *end = hdr + n;

	while (p < end) {
		const char *e = line_end(p, end);

		if (*p == '\n' || (*p == '\r' && e - p == 2 && e[-1] == '\n'))
			return (size_t)(e - hdr);
		if (e == end || e[-1] != '\n')
			break;
		p = e;
	}
	return 0;
}

unsigned long mw_hd_header_recipients(const char *hdr, size_t n, unsigned *bad)
{
	const char *p = hdr, *end = hdr + n;
	unsigned long count = 0;

	*bad = 0;
	while (p < end) {
		const char *e = line_end(p, end), *colon, *name_end;
		long k;

		if (*p == '\n' || *p == '\r')
			break;	/* the empty line: the body follows */
		/* the field's continuation lines start with a blank */
		while (e < end && (*e == ' ' || *e == '\t'))
			e = line_end(e, end);
		colon = memchr(p, ':', (size_t)(e - p));
		if (!colon || *p == ' ' || *p == '\t')
			break;	/* not a header line: where sendmail's body starts */
		for (name_end = colon; name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t');
		     name_end--)
			;
		if (recipient_field(p, (size_t)(name_end - p))) {
			k = mw_hd_address_count(colon + 1, (size_t)(e - colon - 1));
			if (k < 0) {
				(*bad)++;
				k = 1;
			}
			count += (unsigned long)k;
		}
		p = e;
	}
	return count;
}
