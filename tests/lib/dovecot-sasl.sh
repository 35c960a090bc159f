# shellcheck shell=bash
# tests/lib/dovecot-sasl.sh — a private Dovecot that only authenticates,
# as Postfix's SASL server in e2e tests (smtpd_sasl_type = dovecot).
#
#   dv_sasl_start DIR USER:PASSWORD...
#       Users in a passwd-file (PLAIN), no protocols, everything below DIR;
#       the auth socket DIR/auth-postfix (0660 postfix) for smtpd_sasl_path.
#       Waits (10 s max) for the socket: start it before Postfix, an smtpd
#       that starts without it dies ("no SASL authentication mechanisms").
#   dv_sasl_stop DIR
#       Stop that Dovecot (its master.pid only); safe in an EXIT trap.

dv_sasl_start() {
	local dv=$1 u _
	shift
	mkdir -p "$dv/run" "$dv/state"
	: >"$dv/users"
	for u in "$@"; do
		printf '%s:{PLAIN}%s\n' "${u%%:*}" "${u#*:}" >>"$dv/users"
	done
	chmod 0644 "$dv/users"
	cat >"$dv/dovecot.conf" <<DOVECOT
base_dir = $dv/run
state_dir = $dv/state
log_path = $dv/log
protocols = none
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dv/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener $dv/auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
DOVECOT
	dovecot -c "$dv/dovecot.conf"
	for _ in $(seq 1 100); do [ -S "$dv/auth-postfix" ] && return 0; sleep 0.1; done
	echo "Dovecot in $dv did not create its auth socket"
	return 1
}

dv_sasl_stop() {
	local dv=$1
	if [ -s "$dv/run/master.pid" ]; then
		kill "$(cat "$dv/run/master.pid")" 2>/dev/null || true
		sleep 0.3
	fi
}
