#!/bin/bash
# mailwarden reputation against a real dnsmasq serving the zones of six
# sending domains (one aligned, five with one fault each), the reverse
# zones of three sending addresses (PTR confirmed, missing, not
# forward-confirmed) and a HELO name that does not resolve. Sending
# domains come from a real postconf (-c) and an OpenDKIM KeyTable; the
# DKIM keys are made here by openssl. Everything runs in a network
# namespace of its own with only loopback: no query can leave for
# anything but the given resolver, or the run would report DNS errors.
set -euo pipefail

top=${MW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${MW_BIN:-$top/mailwarden}
for t in dnsmasq openssl jq postconf unshare ip; do
	command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] ||
		{ echo "$t not installed (deps/reput.txt)"; exit 77; }
done
if [ "${MW_REPUT_NETNS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "needs root for unshare -n"; exit 77; }
	MW_REPUT_NETNS=1 exec unshare -n "$0" "$@"
fi
ip link set lo up

tmp=$(mktemp -d /tmp/mw-reput-XXXXXX)
dpid=
cleanup() {
	if [ -n "$dpid" ]; then kill "$dpid" 2>/dev/null || true; wait "$dpid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

IP1=192.0.2.25 IP2=198.51.100.7 IP3=203.0.113.9 OTHER=198.51.100.99
port=5353	# a namespace of our own: no mDNS here, nobody else either

mkdir -p "$tmp/keys" "$tmp/pf"
key() {	# key NAME: a private key file and its p= value
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$tmp/keys/$1.private" 2>/dev/null
	openssl pkey -in "$tmp/keys/$1.private" -pubout -outform DER 2>/dev/null | base64 -w0
}
p_aligned=$(key aligned)
p_dkimbad_disk=$(key dkimbad)
p_other=$(key other)	# published for dkimbad.example, not what it signs with
rm -f "$tmp/keys/other.private"
p_rspamd_other=$(key rspamd-other)	# published for rspamd.example
rm -f "$tmp/keys/rspamd-other.private"
key rspamd >/dev/null	# what rspamd signs rspamd.example with
p_rglobal=$(key rglobal.example.g1)	# rspamd's global path, matching DNS
# a TXT record in strings of at most 255 bytes: dnsmasq takes them comma-separated
split() { fold -w 200 <<<"$1" | paste -sd, -; }

dmarc="v=DMARC1; p=reject; rua=mailto:dmarc@aligned.example"
spf_ok="v=spf1 ip4:$IP1 -all"
args=(--local=/example/ --local=/2.0.192.in-addr.arpa/
      --local=/100.51.198.in-addr.arpa/ --local=/113.0.203.in-addr.arpa/
      # aligned: SPF, DKIM and DMARC in order; the host name too
      --txt-record="aligned.example,$spf_ok"
      --txt-record="aligned.example,google-site-verification=abc"
      --txt-record="_dmarc.aligned.example,$dmarc"
      --txt-record="sel1._domainkey.aligned.example,$(split "v=DKIM1; k=rsa; p=$p_aligned")"
      --host-record="mail.aligned.example,$IP1"
      --txt-record="mail.aligned.example,v=spf1 a -all"
      --ptr-record="25.2.0.192.in-addr.arpa,mail.aligned.example"
      # SPF missing
      --txt-record="_dmarc.nospf.example,$dmarc"
      # SPF not covering the sending address
      --txt-record="wrongip.example,v=spf1 ip4:$OTHER mx -all"
      --txt-record="_dmarc.wrongip.example,$dmarc"
      # SPF with 12 lookups (the address itself is authorised)
      --txt-record="lookups.example,v=spf1 ip4:$IP1 $(for i in $(seq 1 12); do printf 'include:i%d.lookups.example ' "$i"; done)-all"
      --txt-record="_dmarc.lookups.example,$dmarc"
      # DKIM selector present, key differs from the one on disk
      --txt-record="dkimbad.example,$spf_ok"
      --txt-record="_dmarc.dkimbad.example,$dmarc"
      --txt-record="sel1._domainkey.dkimbad.example,$(split "v=DKIM1; k=rsa; p=$p_other")"
      # DMARC missing
      --txt-record="nodmarc.example,$spf_ok"
      # the second run: one domain for two more addresses
      --txt-record="ok2.example,v=spf1 ip4:$IP2 ip4:$IP3 -all"
      --txt-record="_dmarc.ok2.example,v=DMARC1; p=none"
      --ptr-record="9.113.0.203.in-addr.arpa,ghost.example"
      # signed by rspamd: one key differs from DNS, one (global path) matches
      --txt-record="rspamd.example,$spf_ok"
      --txt-record="_dmarc.rspamd.example,$dmarc"
      --txt-record="rs1._domainkey.rspamd.example,$(split "v=DKIM1; k=rsa; p=$p_rspamd_other")"
      --txt-record="rglobal.example,$spf_ok"
      --txt-record="_dmarc.rglobal.example,$dmarc"
      --txt-record="g1._domainkey.rglobal.example,$(split "v=DKIM1; k=rsa; p=$p_rglobal")"
      # known only from the mail log: SPF not covering the sending address
      --txt-record="logonly.example,v=spf1 ip4:$OTHER -all"
      --txt-record="_dmarc.logonly.example,$dmarc"
)
for i in $(seq 1 12); do args+=(--txt-record="i$i.lookups.example,v=spf1 -all"); done
. "$top/tests/lib/dnsmasq.sh"
dns_start "$port" "$tmp/dnsmasq.log" "${args[@]}"

# The MTA's configuration, read through postconf -c like the real one.
cat >"$tmp/pf/main.cf" <<CF
compatibility_level = 3.6
myhostname = mail.aligned.example
mydomain = aligned.example
myorigin = \$mydomain
virtual_alias_domains = nospf.example wrongip.example lookups.example nodmarc.example intranet.local
virtual_mailbox_domains = hash:$tmp/pf/vdomains
CF
printf 'KeyTable file:%s/KeyTable\nSigningTable refile:%s/SigningTable\n' "$tmp" "$tmp" >"$tmp/opendkim.conf"
cat >"$tmp/KeyTable" <<KT
# name            domain:selector:keyfile
sel1._domainkey.aligned.example aligned.example:sel1:$tmp/keys/aligned.private
sel1._domainkey.dkimbad.example dkimbad.example:sel1:$tmp/keys/dkimbad.private
KT
conf=$tmp/mw.conf
printf '[dnsbl]\ntimeout_ms = 500\ntries = 2\n' >"$conf"
common=(--config "$conf" --no-progress --resolver "127.0.0.1:$port")

. "$top/tests/lib/check.sh"
out=$tmp/out.json
# "rule subject" per finding, sorted: the subject is the domain, the
# address, or the HELO name the finding is about.
found() {
	jq -r '.findings[] | "\(.rule_id) \(.details.domain // .evidence.ip // .details.name)"' "$out" | sort | paste -sd' ' -
}
expect() {	# description expected-found-string
	local got
	got=$(found)
	if [ "$got" = "$2" ]; then echo "ok:   $1"; else
		echo "FAIL: $1"; echo "      want: $2"; echo "      got:  $got"; fails=$((fails + 1)); fi
}

# 1. Six domains from the configuration, one address: five faults.
rc=0
start=$(date +%s%N)
"$bin" reputation "${common[@]}" --format json --ip "$IP1" \
	--postfix-config "$tmp/pf" --opendkim-config "$tmp/opendkim.conf" >"$out" || rc=$?
end=$(date +%s%N)
expect "six domains: one finding per fault, none for the aligned domain" \
	"reputation.dkim-key-mismatch dkimbad.example reputation.dmarc-missing nodmarc.example reputation.spf-missing nospf.example reputation.spf-not-authorized wrongip.example reputation.spf-too-many-lookups lookups.example"
jqok "exit 1, no errors" "$out" "$rc == 1 and (.errors | length) == 0"
jqok "domains from postconf and the KeyTable, table named in a note" "$out" \
	'([.data.reputation.sending_domains[].name] | sort) == ["aligned.example", "dkimbad.example",
	  "lookups.example", "mail.aligned.example", "nodmarc.example", "nospf.example", "wrongip.example"] and
	 ([.notes[].text | select(test("virtual_mailbox_domains: hash:.* is a table"))] | length) == 1 and
	 ([.notes[].text | select(test("intranet.local is not a public name"))] | length) == 1'
jqok "SPF of the aligned domain passes, its DMARC policy is reported" "$out" \
	'.data.reputation.domains[] | select(.domain == "aligned.example") |
	 .spf.results["'"$IP1"'"].result == "pass" and .dmarc.policy == "reject" and .dkim[0].result == "match"'
jqok "subdomain's DMARC comes from the organisational domain" "$out" \
	'.data.reputation.domains[] | select(.domain == "mail.aligned.example") |
	 .dmarc.record_name == "_dmarc.aligned.example" and .spf.results["'"$IP1"'"].result == "pass"'
jqok "the 12 lookups are counted" "$out" \
	'.findings[] | select(.rule_id == "reputation.spf-too-many-lookups") | .details.lookups == 12'
jqok "SPF fix names the record with the address added" "$out" \
	'.findings[] | select(.rule_id == "reputation.spf-not-authorized") |
	 (.remediation | contains("v=spf1 ip4:'"$OTHER"' mx ip4:'"$IP1"' -all")) and .details.result == "fail"'
jqok "SPF missing: the record to publish" "$out" \
	'.findings[] | select(.rule_id == "reputation.spf-missing") | .remediation | contains("\"v=spf1 ip4:'"$IP1"' -all\"")'
jqok "DKIM mismatch: fingerprints differ, the fix publishes the key on disk" "$out" \
	'.findings[] | select(.rule_id == "reputation.dkim-key-mismatch") |
	 .details.sha256_dns != .details.sha256_disk and (.remediation | contains("'"${p_dkimbad_disk:0:60}"'"))'
jqok "PTR confirmed and HELO resolving for the aligned host" "$out" \
	'(.data.reputation.ptr[0].result == "confirmed") and (.data.reputation.helo[0].name == "mail.aligned.example")
	 and (.data.reputation.helo[0].addresses == ["'"$IP1"'"])'
if grep -q "PRIVATE" "$out" || grep -qF "$(sed -n 2p "$tmp/keys/dkimbad.private")" "$out"; then
	echo "FAIL: private key material in the output"; fails=$((fails + 1))
else
	echo "ok:   no private key material in the output"
fi
nq=$(jq .data.reputation.dns_queries "$out")
echo "figures: run 1 asked $nq DNS questions, wall $(( (end - start) / 1000000 )) ms (with postconf)"

# 2. Addresses: PTR missing, PTR not forward-confirmed; a HELO name that
# does not resolve. Only what is given (--no-discover).
rc=0
"$bin" reputation "${common[@]}" --format json --no-discover --domain ok2.example \
	--helo nohelo.example --ip "$IP2" --ip "$IP3" >"$out" || rc=$?
expect "PTR missing, PTR not confirmed, HELO not resolving: one finding each" \
	"reputation.helo-not-resolving nohelo.example reputation.ptr-missing $IP2 reputation.ptr-not-confirmed $IP3"
jqok "exit 1, no errors" "$out" "$rc == 1 and (.errors | length) == 0"

# 3. The aligned domain alone (OpenDKIM Domain/Selector/KeyFile form): clean.
printf 'Domain aligned.example\nSelector sel1\nKeyFile %s/keys/aligned.private\n' "$tmp" >"$tmp/od2.conf"
rc=0
"$bin" reputation "${common[@]}" --format json --no-discover --domain aligned.example \
	--helo mail.aligned.example --ip "$IP1" --opendkim-config "$tmp/od2.conf" >"$out" || rc=$?
jqok "aligned domain, confirmed PTR, resolving HELO: 0 findings, exit 0" "$out" \
	"$rc == 0 and (.findings | length) == 0 and (.errors | length) == 0 and
	 (.data.reputation.domains[0].dkim[0].result == \"match\")"

# 4. No answer from the resolver: errors, exit 2, nothing called clean.
rc=0
"$bin" reputation --config "$conf" --no-progress --resolver 127.0.0.1:5390 --timeout 100 \
	--tries 1 --format json --no-discover --domain aligned.example --ip "$IP1" >"$out" || rc=$?
jqok "dead resolver: exit 2, errors, no findings" "$out" \
	"$rc == 2 and (.errors | length) >= 3 and (.findings | length) == 0"

# 5. Text output and the audit's plan: mail authentication before delisting.
"$bin" reputation "${common[@]}" --no-discover --domain nospf.example --ip "$IP1" \
	>"$tmp/out.txt" 2>&1 || true
if grep -q "nospf.example has no SPF record" "$tmp/out.txt"; then echo "ok:   text output"; else
	echo "FAIL: text output"; cat "$tmp/out.txt"; fails=$((fails + 1)); fi
rc=0
"$bin" audit "${common[@]}" --format json --only reputation --ip "$IP1" \
	--postfix-config "$tmp/pf" >"$out" 2>/dev/null || rc=$?
jqok "audit: a fix-mail-auth step listing the SPF faults" "$out" \
	'[.data.audit.plan[] | select(.phase == "fix-mail-auth")] | length == 1 and
	 (.[0].actions | map(select(test("nospf.example has no SPF"))) | length == 1)'

# 6. A sending domain that only the mail log shows (PHP mail() through
# pickup), next to mail that came in from outside (not this host's to fix).
cat >"$tmp/mail.log" <<LOG
Nov 20 09:00:00 web1 postfix/pickup[1300]: 4B00000A1: uid=33 from=<www-data>
Nov 20 09:00:00 web1 postfix/qmgr[900]: 4B00000A1: from=<shop@logonly.example>, size=1200, nrcpt=1 (queue active)
Nov 20 09:01:00 web1 postfix/pickup[1300]: 4B00000B2: uid=33 from=<www-data>
Nov 20 09:01:00 web1 postfix/qmgr[900]: 4B00000B2: from=<root@web1.localdomain>, size=900, nrcpt=1 (queue active)
Nov 20 09:02:00 web1 postfix/smtpd[1000]: 3A00001F3: client=mail-ed1-f41.google.com[209.85.208.41]
Nov 20 09:02:00 web1 postfix/qmgr[900]: 3A00001F3: from=<friend@gmail.com>, size=4021, nrcpt=1 (queue active)
LOG
rc=0
"$bin" reputation "${common[@]}" --format json --no-discover --ip "$IP1" \
	--log "$tmp/mail.log" >"$out" || rc=$?
expect "a domain only in the log: its SPF is checked" \
	"reputation.spf-not-authorized logonly.example"
jqok "log domain: its source, the private one a note, the stranger not asked" "$out" \
	"$rc"' == 1 and (.errors | length) == 0 and
	 .data.reputation.sending_domains == [{"name": "logonly.example",
	   "source": "envelope sender in the logs (1 message)"}] and
	 .data.reputation.log_senders.messages == 2 and
	 ([.notes[].text | select(test("web1.localdomain is not a public name"))] | length) == 1'
if grep -q "gmail.com" "$tmp/dnsmasq.log"; then echo "FAIL: asked DNS about an inbound sender"; fails=$((fails + 1)); else
	echo "ok:   no question about the inbound sender's domain"; fi
rc=0
"$bin" reputation "${common[@]}" --format json --no-discover --ip "$IP1" --top-senders 0 \
	--log "$tmp/mail.log" >"$out" || rc=$?
jqok "--top-senders 0: the log is not used" "$out" \
	"$rc == 0 and (.data.reputation.sending_domains | length) == 0"
rc=0
"$bin" reputation "${common[@]}" --format json --no-discover --ip "$IP1" \
	--log "$tmp/absent.log" >"$out" || rc=$?
jqok "a --log that cannot be read: exit 2, an error" "$out" \
	"$rc"' == 2 and ([.errors[].message | select(test("mail log"))] | length) >= 1'

# 7. rspamd's dkim_signing.conf: a domain table entry whose key differs
# from DNS, and the global selector/path for a domain it does not name.
mkdir -p "$tmp/rspamd/local.d"
cat >"$tmp/rspamd/local.d/dkim_signing.conf" <<UCL
# rspamd DKIM signing
allow_username_mismatch = true;
selector = "g1";
path = "$tmp/keys/\$domain.\$selector.private";
domain {
  rspamd.example {
    selector = "rs1";
    path = "$tmp/keys/rspamd.private";
  }
}
UCL
rc=0
"$bin" reputation "${common[@]}" --format json --no-discover --ip "$IP1" \
	--rspamd-config "$tmp/rspamd" --domain rglobal.example >"$out" || rc=$?
expect "rspamd: the key that differs from DNS is one finding" \
	"reputation.dkim-key-mismatch rspamd.example"
jqok "rspamd: the global path's key matches; sources named" "$out" \
	"$rc"' == 1 and (.errors | length) == 0 and
	 (.data.reputation.domains[] | select(.domain == "rglobal.example") | .dkim[0].result == "match"
	   and .dkim[0].source == "rspamd global selector/path") and
	 (.data.reputation.domains[] | select(.domain == "rspamd.example") |
	   .dkim[0].source | endswith("local.d/dkim_signing.conf"))'

# Bad input is a usage error.
rc=0
"$bin" reputation --domain 'bad domain' --no-discover 2>"$tmp/err" >/dev/null || rc=$?
if [ $rc -eq 2 ] && grep -q "not a domain name" "$tmp/err"; then echo "ok:   bad --domain -> exit 2"; else
	echo "FAIL: bad --domain (rc $rc)"; cat "$tmp/err"; fails=$((fails + 1)); fi

[ "$fails" -eq 0 ]
