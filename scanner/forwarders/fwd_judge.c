#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "scanner/forwarders/fwd_judge.h"
#include "scanner/forwarders/fwd_util.h"

int mw_fwd_address_domain(const char *addr, char *dst, size_t dstlen)
{
	const char *at = strrchr(addr, '@');
	const char *s;
	size_t n, i;

	if (!dstlen)
		return -1;
	dst[0] = '\0';
	if (!at)
		return 0;
	s = at + 1;
	n = strlen(s);
	mw_fwd_trim(&s, &n);
	while (n && (s[n - 1] == '>' || s[n - 1] == '"' || s[n - 1] == '\'' ||
		     s[n - 1] == '.' || s[n - 1] == ')' || s[n - 1] == ','))
		n--;
	if (n >= dstlen)
		return -1;
	for (i = 0; i < n; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[n] = '\0';
	return 0;
}

static int domain_in(const char *dom, const struct mw_strlist *l)
{
	size_t i, dl = strlen(dom);

	if (!l)
		return 0;
	for (i = 0; i < l->n; i++) {
		const char *e = l->v[i];
		size_t el = strlen(e);

		if (!strcasecmp(dom, e))
			return 1;
		/* ".example.com" also covers subdomains */
		if (el > 1 && e[0] == '.' && dl > el &&
		    !strcasecmp(dom + dl - el, e))
			return 1;
		if (el > 1 && e[0] == '.' && dl == el - 1 &&
		    !strcasecmp(dom, e + 1))
			return 1;
	}
	return 0;
}

int mw_fwd_address_is_external(const char *addr, const struct mw_strlist *local,
			    const struct mw_strlist *allowed)
{
	char dom[512];

	if (mw_fwd_address_domain(addr, dom, sizeof(dom)))
		return 1;	/* absurdly long domain: not one of ours */
	/* "$h_reply-to:", "${addr}", "x@${dom}": decided by the message or
	 * elsewhere in the script, so it cannot be shown to stay here */
	if (strchr(dom, '$') || (!dom[0] && strchr(addr, '$')))
		return 1;
	if (!dom[0])
		return 0;
	if (!strcmp(dom, "localhost") || !strcmp(dom, "localhost.localdomain"))
		return 0;
	if (domain_in(dom, local) || domain_in(dom, allowed))
		return 0;
	return 1;
}

int mw_fwd_domain_is_freemail(const char *domain)
{
	static const char *const free_domains[] = {
		"gmail.com", "googlemail.com", "outlook.com", "hotmail.com",
		"live.com", "msn.com", "yahoo.com", "ymail.com", "aol.com",
		"icloud.com", "me.com", "mac.com", "gmx.com", "gmx.net",
		"gmx.de", "web.de", "mail.com", "mail.ru", "inbox.ru",
		"bk.ru", "list.ru", "yandex.ru", "yandex.com", "ya.ru",
		"protonmail.com", "proton.me", "pm.me", "tutanota.com",
		"tuta.io", "zoho.com", "qq.com", "163.com", "126.com",
		"sina.com", "yeah.net", "rambler.ru", "seznam.cz", "wp.pl",
		"o2.pl", "interia.pl", "libero.it", "laposte.net",
		"orange.fr", "free.fr", "t-online.de", "cock.li",
		"guerrillamail.com", "mailinator.com", "yopmail.com",
		"onet.pl", "rediffmail.com",
	};
	size_t i;

	/* yahoo.co.uk, hotmail.fr, outlook.de, ... */
	if (!strncasecmp(domain, "yahoo.", 6) || !strncasecmp(domain, "hotmail.", 8) ||
	    !strncasecmp(domain, "outlook.", 8) || !strncasecmp(domain, "live.", 5))
		return 1;
	for (i = 0; i < sizeof(free_domains) / sizeof(free_domains[0]); i++)
		if (!strcasecmp(domain, free_domains[i]))
			return 1;
	return 0;
}

int mw_fwd_pipe_is_standard(const char *cmd)
{
	static const char *const std_prefix[] = {
		"/usr/lib/dovecot/", "/usr/libexec/dovecot/",
		"/usr/lib/mailman/", "/var/lib/mailman/", "/usr/lib/mailman3/",
		"/usr/local/cpanel/", "/usr/local/directadmin/",
		"/usr/lib/sympa/", "/usr/libexec/sympa/",
		"/usr/lib/cyrus/bin/",
	};
	static const char *const std_prog[] = {
		"/usr/bin/procmail", "/usr/bin/maildrop", "/usr/bin/spamc",
		"/usr/bin/vacation", "/usr/bin/rt-mailgate",
		"/usr/lib/postfix/sbin/local", "/usr/bin/autorespond",
		"/usr/local/bin/autorespond", "/usr/bin/dovecot-lda",
		"/usr/sbin/dovecot-lda",
	};
	const char *s = cmd;
	size_t n, i;

	while (*s == ' ' || *s == '\t' || *s == '"' || *s == '\'')
		s++;
	if (!strncmp(s, "exec ", 5))
		s += 5;
	while (*s == ' ' || *s == '\t')
		s++;
	for (n = 0; s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '"' &&
		    s[n] != '\''; n++)
		;
	if (!n || s[0] != '/')
		return 0;
	/* "..", "$VAR" or shell metacharacters make the path meaningless */
	for (i = 0; i < n; i++)
		if (s[i] == '$' || s[i] == '`' || (s[i] == '.' && i + 1 < n &&
						   s[i + 1] == '.'))
			return 0;
	for (i = 0; cmd[i]; i++)
		if (cmd[i] == ';' || cmd[i] == '&' || cmd[i] == '`' ||
		    (cmd[i] == '|') || (cmd[i] == '$' && cmd[i + 1] == '('))
			return 0;
	for (i = 0; i < sizeof(std_prog) / sizeof(std_prog[0]); i++)
		if (strlen(std_prog[i]) == n && !strncmp(s, std_prog[i], n))
			return 1;
	for (i = 0; i < sizeof(std_prefix) / sizeof(std_prefix[0]); i++) {
		size_t pl = strlen(std_prefix[i]);

		if (n > pl && !strncmp(s, std_prefix[i], pl))
			return 1;
	}
	return 0;
}
