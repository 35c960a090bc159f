/*
 * `exim -bp` output:
 *    25m  2.9K 1xaGal-00034q-25 <www-data@localhost> *** frozen ***
 *              a@example.com
 *            D b@example.org
 *   (blank line)
 * A message line holds its age (s/m/h/d/w), size (K/M suffixes), id and
 * envelope sender ("<>" for a bounce); recipients follow indented, "D "
 * marking one already delivered. Sender and recipients are attacker-written
 * (a sender may hold blanks or "***"), so fields are taken by position and
 * bounded; a line that fits nowhere is counted, never guessed at.
 */
#include <string.h>

#include "scanner/queue/queue_impl.h"

static const char frozen_mark[] = " *** frozen ***";

#define MSG_INDENT_MAX 4	/* blanks before a message line's age */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static size_t leading_blanks(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	return i;
}

/* Next blank-separated word of s[*i..n); returns its length (0 = none). */
static size_t word(const char *s, size_t n, size_t *i, const char **w)
{
	size_t k;

	while (*i < n && is_blank(s[*i]))
		(*i)++;
	*w = s + *i;
	for (k = *i; k < n && !is_blank(s[k]); k++)
		;
	k -= *i;
	*i += k;
	return k;
}

/* "25m", "3d", "45s": seconds, -1 when it is not an age. */
static int64_t parse_age(const char *w, size_t n)
{
	int64_t v = 0, unit;
	size_t i;

	if (n < 2 || n > 8)
		return -1;
	for (i = 0; i < n - 1; i++) {
		if (w[i] < '0' || w[i] > '9')
			return -1;
		v = v * 10 + (w[i] - '0');
	}
	switch (w[n - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 604800; break;
	default: return -1;
	}
	return v * unit;
}

/* "336", "2.9K", "1.2M": bytes, -1 when it is not a size. */
static int64_t parse_size(const char *w, size_t n)
{
	int64_t whole = 0, frac = 0, mul = 1;
	size_t i = 0;
	int seen = 0;

	if (n == 0 || n > 12)
		return -1;
	if (w[n - 1] == 'K')
		mul = 1024, n--;
	else if (w[n - 1] == 'M')
		mul = 1024 * 1024, n--;
	for (; i < n && w[i] >= '0' && w[i] <= '9'; i++, seen = 1)
		whole = whole * 10 + (w[i] - '0');
	if (i < n && w[i] == '.' && i + 2 == n && w[i + 1] >= '0' && w[i + 1] <= '9') {
		frac = w[i + 1] - '0';
		i += 2;
	}
	if (!seen || i != n)
		return -1;
	return whole * mul + frac * mul / 10;
}

/* Exim ids: three alphanumeric parts joined by '-' (6-6-2 up to 4.96,
 * 6-11-4 from 4.97). */
static int id_ok(const char *w, size_t n)
{
	size_t i, dashes = 0;

	if (n < 5 || n >= QMAX_ID || w[0] == '-' || w[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (w[i] == '-') {
			if (w[i - 1] == '-')
				return 0;
			dashes++;
		} else if (!is_alnum(w[i])) {
			return 0;
		}
	}
	return dashes == 2;
}

/* A message line into m; 0 when the line is not one. */
static int message_line(const char *s, size_t n, int64_t now, struct qmsg *m)
{
	const char *w;
	size_t i = 0, k;
	int64_t age, size;

	k = word(s, n, &i, &w);
	if ((age = parse_age(w, k)) < 0)
		return 0;
	k = word(s, n, &i, &w);
	if ((size = parse_size(w, k)) < 0)
		return 0;
	k = word(s, n, &i, &w);
	if (!id_ok(w, k))
		return 0;
	memcpy(m->id, w, k);
	m->id[k] = '\0';
	while (i < n && is_blank(s[i]))
		i++;
	s += i;
	n -= i;
	if (n >= sizeof(frozen_mark) - 1 &&
	    memcmp(s + n - (sizeof(frozen_mark) - 1), frozen_mark, sizeof(frozen_mark) - 1) == 0) {
		m->held = 1;
		n -= sizeof(frozen_mark) - 1;
	}
	if (n < 2 || s[0] != '<' || s[n - 1] != '>')
		return 0;
	m->arrival = now > age ? now - age : 0;
	m->size = size;
	m->queue = m->held ? QN_FROZEN : QN_DEFERRED;
	m->sender = mw_qfield_dup(s + 1, n - 2);
	return 1;
}

enum mw_err mw_exim_bp_parse(const char *text, size_t n, int64_t now,
			     struct qlist *l, size_t *bad)
{
	struct qmsg *m;
	size_t pos = 0, cur = 0;	/* cur: index + 1 of the open message */

	*bad = 0;
	while (pos < n) {
		const char *s = text + pos, *nl = memchr(s, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - s) : n - pos;
		enum mw_err e;

		pos += len + (nl ? 1 : 0);
		if (len && s[len - 1] == '\r')
			len--;
		if (len == 0) {
			cur = 0;
			continue;
		}
		/*
		 * The age is right-aligned (" 0m   336 ..."), so a message line
		 * may start with a few blanks; recipients are indented by ten.
		 * A quoted recipient that looks like a message line therefore
		 * stays a recipient.
		 */
		if (leading_blanks(s, len) <= MSG_INDENT_MAX) {
			m = mw_qlist_push(l);
			if (!m)
				return l->n >= QMAX_MESSAGES ? MW_ERR_TOOBIG : MW_ERR_NOMEM;
			if (message_line(s, len, now, m)) {
				if (!m->sender)
					return MW_ERR_NOMEM;
				cur = l->n;
				continue;
			}
			mw_qmsg_clear(m);
			l->n--;
		}
		if (is_blank(s[0]) && cur) {
			size_t i = 0;

			while (i < len && is_blank(s[i]))
				i++;
			if (i + 1 < len && (s[i] == 'D' || (s[i] == '+' && s[i + 1] == 'D'))) {
				size_t j = i + (s[i] == '+' ? 2 : 1);

				if (j < len && is_blank(s[j]))
					continue;	/* delivered already */
			}
			l->m[cur - 1].n_rcpt++;
			e = mw_qmsg_add_domain(&l->m[cur - 1], s + i, len - i);
			if (e)
				return e;
			continue;
		}
		cur = 0;
		(*bad)++;
	}
	return MW_OK;
}
