# shellcheck shell=bash
# tests/lib/postfix.sh — a private, throw-away Postfix instance for e2e tests.
#
# Source it from a test script (bash, set -euo pipefail is fine):
#     . "$MW_TOP/tests/lib/postfix.sh"
#
# Functions:
#   pf_require
#       Exit 77 ("cannot run here") unless we are root and Postfix is
#       installed. Postfix's master must start as root; a non-default
#       config directory is then accepted without alternate_config_directories
#       (that list only restricts non-root users), so the host's own
#       /etc/postfix is never touched or needed.
#   pf_create DIR PORT [MAIN_CF_LINE...]
#       Create an instance under DIR (made world-traversable so that the
#       postfix user reaches its queue; DIR's parents must be searchable by
#       the postfix user too, e.g. chmod 0755 a mktemp -d directory): DIR/etc/{main.cf,master.cf},
#       DIR/spool (queue_directory), DIR/data (data_directory), and the log
#       file DIR/maillog (maillog_file, no syslog or journald needed).
#       smtpd listens on 127.0.0.1:PORT only. main.cf starts like Debian 12's
#       postinst writes it for "Internet Site" (smtpd_relay_restrictions =
#       permit_mynetworks permit_sasl_authenticated defer_unauth_destination,
#       mynetworks = loopback); nothing ever leaves the host: default, relay
#       and local transports are "discard". Every extra argument is appended
#       to main.cf as a line; Postfix uses the last setting of a parameter,
#       so extra lines override the defaults.
#   pf_master_add DIR LINE...
#       Append lines to DIR/etc/master.cf (a whole service entry; options
#       for it as following lines that start with blanks).
#   pf_smtpd_opts DIR OPTION...
#       Give the test smtpd service (the PORT one) master.cf options, e.g.
#       pf_smtpd_opts "$d" -o smtpd_relay_restrictions=permit_mynetworks,reject
#       (no blanks inside a value: use commas).
#   pf_start DIR
#       `postfix -c DIR/etc start`, then wait (10 s max) until the smtpd port
#       accepts connections. On failure prints DIR/maillog and returns 1.
#   pf_stop DIR
#       `postfix -c DIR/etc stop` (at most 30 s), wait for the master
#       process to go; if it does not within 10 s, kill that one master
#       (its pid file) with SIGKILL. Safe to call twice and on an instance that never started:
#       use it in an EXIT trap.
#   pf_postconf DIR ARG...
#       postconf -c DIR/etc ARG... (e.g. pf_postconf "$d" -e 'mynetworks = ...').
#   pf_log DIR
#       Print the instance's log (DIR/maillog).
#   pf_sendmail DIR USER SENDMAIL_ARG...
#       Submit the message on stdin through the instance's sendmail/postdrop
#       as USER (e.g. www-data, so that pickup logs uid=33). postdrop accepts
#       a non-default config directory only from root (or when the host's
#       /etc/postfix/main.cf lists it in alternate_config_directories), so
#       this runs sendmail in a private mount namespace where DIR/etc is
#       bind-mounted over /etc/postfix; the host's /etc is never changed.
#       Example: printf 'Subject: x\n\nbody\n' | pf_sendmail "$d" www-data -f a@b c@example.com
#
# Ports reserved for Postfix in e2e tests: relay 2525-2526, logs 2527,
# audit 2528-2529, queue 2530, account 2541 (docs/hacking.md).

pf_require() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "needs root (Postfix master must start as root)"
		exit 77
	fi
	if ! command -v postfix >/dev/null 2>&1 || ! command -v postconf >/dev/null 2>&1; then
		echo "Postfix is not installed (make deps)"
		exit 77
	fi
}

pf_create() {
	local dir=$1 port=$2
	shift 2
	mkdir -p "$dir/etc" "$dir/spool" "$dir/data"
	chmod 0755 "$dir" "$dir/etc" "$dir/spool"
	chown postfix "$dir/data"
	if ! runuser -u postfix -- test -x "$dir/spool"; then
		echo "pf_create: the postfix user cannot reach $dir (chmod 0755 its parents)"
		return 1
	fi
	cat >"$dir/etc/main.cf" <<EOF
# private test instance (tests/lib/postfix.sh)
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = mw-test.localdomain
mydomain = localdomain
myorigin = \$myhostname
mydestination = \$myhostname, localhost.localdomain, localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU)
biff = no
append_dot_mydomain = no
readme_directory = no
alias_maps =
alias_database =
relayhost =
mailbox_size_limit = 0
recipient_delimiter = +
mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128
smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination
default_transport = discard:test instance
relay_transport = discard:test instance
local_transport = discard:test instance
EOF
	# An extra "name = value" replaces the template's line of that name
	# and goes at the end. A duplicate would make every Postfix program
	# warn "overriding earlier entry" through postlogd, postlogd itself
	# included: once its queue is full it blocks writing to itself and
	# every Postfix command of the instance hangs.
	local line name
	for line in "$@"; do
		name=${line%%=*}
		name=${name//[[:space:]]/}
		awk -v n="$name" '{ k = $0; sub(/[ \t]*=.*/, "", k) } k != n' \
			"$dir/etc/main.cf" >"$dir/etc/main.cf.new"
		mv "$dir/etc/main.cf.new" "$dir/etc/main.cf"
		printf '%s\n' "$line" >>"$dir/etc/main.cf"
	done
	# chroot off everywhere: the instance has no chroot tree
	cat >"$dir/etc/master.cf" <<EOF
$port      inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

pf_master_add() {
	local dir=$1 line
	shift
	for line in "$@"; do
		printf '%s\n' "$line" >>"$dir/etc/master.cf"
	done
}

pf_smtpd_opts() {
	local dir=$1 opts
	shift
	opts=$*
	# master.cf continuation lines start with blanks; they go right after
	# the service line (line 1)
	awk -v opts="$opts" 'NR == 1 { print; print "  " opts; next } { print }' \
		"$dir/etc/master.cf" >"$dir/etc/master.cf.new"
	mv "$dir/etc/master.cf.new" "$dir/etc/master.cf"
}

pf_sendmail() {
	local dir=$1 user=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner sh, on purpose
	unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" /etc/postfix &&
		shift && exec runuser -u "$0" -- /usr/sbin/sendmail "$@"' \
		"$user" "$dir/etc" "$@"
}

pf_postconf() {
	local dir=$1
	shift
	postconf -c "$dir/etc" "$@"
}

pf_log() {
	cat "$1/maillog" 2>/dev/null || true
}

# The smtpd port from master.cf's first line.
pf_port() {
	awk 'NR == 1 { sub(/.*:/, "", $1); print $1; exit }' "$1/etc/master.cf"
}

pf_start() {
	local dir=$1 port _
	port=$(pf_port "$dir")
	if ! timeout -k 5 60 postfix -c "$dir/etc" start >/dev/null 2>&1; then
		echo "postfix -c $dir/etc start failed:"
		pf_log "$dir"
		return 1
	fi
	for _ in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "Postfix in $dir does not listen on 127.0.0.1:$port:"
	pf_log "$dir"
	return 1
}

pf_stop() {
	local dir=$1 pidfile pid _
	[ -e "$dir/etc/main.cf" ] || return 0
	pidfile=$dir/spool/pid/master.pid
	pid=$(tr -d ' \n' <"$pidfile" 2>/dev/null || true)
	# bounded: under load a stop was seen to hang for minutes in
	# postfix-script's "master -t" (its logging to postlogd); the test's
	# checks are done by then, and the master is killed by pid below
	timeout -k 5 30 postfix -c "$dir/etc" stop >/dev/null 2>&1 || true
	[ -n "$pid" ] || return 0
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	# only this instance's master, by its own pid file
	if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = master ]; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	return 0
}
