/*
 * Parsers for what the MTAs tell us about their configuration:
 * `postconf` output ("name = value", `-M` service lines, `-P` per-service
 * overrides), `exim -bP` output, and the network lists inside it
 * (Postfix mynetworks, Exim host lists). All pure functions over text, so
 * that unit tests and the fuzzer drive them without an MTA.
 */
#ifndef MW_RELAY_MTACONF_H
#define MW_RELAY_MTACONF_H

#include <stddef.h>

#include "core/error.h"
#include "core/netaddr.h"
#include "sysconf/mtakv.h"

#define MW_MTACONF_MAX_ENTRIES	MW_MTAKV_MAX_ENTRIES	/* services, list entries */

/* One master.cf service as printed by `postconf -M`. */
struct mw_service {
	char *name;	/* "smtp", "submission", "127.0.0.1:2525" */
	char *type;	/* inet, unix, unix-dgram, fifo, pass */
	char *command;	/* smtpd, pickup, ... (first word of the command) */
	char *args;	/* rest of the command line ("-o a=b ..."), may be "" */
	unsigned long line;
};

struct mw_servicelist {
	struct mw_service *v;
	size_t n, alloc;
	unsigned long bad_lines;
};

/* Parse `postconf -M` output (8 fields, then arguments). */
enum mw_err mw_services_parse(const char *text, size_t len,
			      struct mw_servicelist *out);
void mw_services_free(struct mw_servicelist *l);
/* The port part of a service name ("127.0.0.1:submission" -> "submission"). */
const char *mw_service_port(const char *name);

/* One entry of an address list (mynetworks, Exim hostlist, xclient hosts). */
enum mw_net_kind {
	MW_NET_ADDR = 0,	/* address or network: family/addr/prefix set */
	MW_NET_ANY,		/* Exim "*": every host */
	MW_NET_LOOKUP,		/* table or file lookup: "hash:/x", "/file", "+list" */
	MW_NET_NAME,		/* host or domain name pattern */
	MW_NET_LOCAL,		/* Exim "@", "@[]": this host */
};

struct mw_netent {
	enum mw_net_kind kind;
	int negate;		/* "!entry" */
	struct mw_ip ip;	/* MW_NET_ADDR: the network, host bits cleared */
	unsigned prefix;
	char *text;		/* the entry as written */
};

struct mw_netlist {
	struct mw_netent *v;
	size_t n, alloc;
	unsigned long bad;	/* entries that look like addresses but are not */
};

/*
 * Split a Postfix list (blanks and commas separate; braces are dropped)
 * and parse each entry: a.b.c.d[/n], [v6][/n], v6/n, type:table, /file,
 * !entry, names.
 */
enum mw_err mw_netlist_parse_postfix(const char *s, struct mw_netlist *out);
/*
 * Split an Exim list ("<X" sets the separator, else ':' with "::" for a
 * literal colon) and parse each entry like Postfix's, plus "*", "@",
 * "@[]", "+named_list", "net-lookup;...".
 */
enum mw_err mw_netlist_parse_exim(const char *s, struct mw_netlist *out);
void mw_netlist_free(struct mw_netlist *l);

/* 1 when the host lies inside entry e (MW_NET_ADDR only); IPv4-mapped
 * IPv6 entries match IPv4 hosts. */
int mw_net_contains(const struct mw_netent *e, const struct mw_ip *host);

/* An IPv4-mapped IPv6 entry ([::ffff:10.0.0.0]/104) as the IPv4 entry it
 * stands for (text shared, not copied): 1 and *v4 filled, else 0. */
int mw_net_ipv4_view(const struct mw_netent *e, struct mw_netent *v4);

/* 1 when the whole network of e is loopback (127/8, ::1, ::ffff:127/104). */
int mw_net_is_loopback(const struct mw_netent *e);
/* 1 when the network lies in private/local space (RFC 1918, 100.64/10,
 * 169.254/16, fc00::/7, fe80::/10) or loopback. */
int mw_net_is_private(const struct mw_netent *e);

#endif
