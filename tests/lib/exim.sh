# shellcheck shell=bash
# tests/lib/exim.sh — a private Exim 4.96 from the extracted Debian package
# (tests/lib/exim-fetch.sh), for e2e tests. Postfix and exim4 cannot be
# installed side by side, so nothing is installed: the binary runs from
# $MW_EXIM_ROOT (default $MW_TOP/build/exim/root) with its own
# configuration (-C), in a private mount namespace where copies of
# /etc/passwd and /etc/group that add the compiled-in Debian-exim user are
# bind-mounted; the host's /etc is never changed.
#
#   ex_require            exit 77 unless root and the extracted Exim exists
#   ex_create DIR [LINE...]
#                         DIR/exim.conf (spool, log and ACL below DIR; extra
#                         lines go into the main section, before "begin acl"),
#                         DIR/exim4: a wrapper that runs this Exim with
#                         -C DIR/exim.conf and the given arguments (give it
#                         to `mailwarden relay --exim DIR/exim4`)
#   ex_start DIR PORT     run the daemon in the foreground (-bdf) in the
#                         background, listening on PORT (in the caller's
#                         network namespace; prefix with `ip netns exec NS`
#                         through EX_NETNS=NS), pid in DIR/pid
#   ex_stop DIR           kill that daemon (its pid file only)

MW_EXIM_ROOT=${MW_EXIM_ROOT:-$MW_TOP/build/exim/root}
EX_UID=64999	# Debian-exim in the private passwd copy

ex_require() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "needs root (mount namespace, port 25 in a network namespace)"
		exit 77
	fi
	if [ ! -x "$MW_EXIM_ROOT/usr/sbin/exim4" ]; then
		echo "no extracted Exim in $MW_EXIM_ROOT: run tests/lib/exim-fetch.sh"
		exit 77
	fi
}

ex_create() {
	local dir=$1 line
	shift
	mkdir -p "$dir/spool" "$dir/log"
	chmod 0755 "$dir"
	chown "$EX_UID:$EX_UID" "$dir/spool" "$dir/log"
	cp /etc/passwd "$dir/passwd"
	cp /etc/group "$dir/group"
	echo "Debian-exim:x:$EX_UID:$EX_UID::/nonexistent:/usr/sbin/nologin" >>"$dir/passwd"
	echo "Debian-exim:x:$EX_UID:" >>"$dir/group"
	{
		echo "# private test instance (tests/lib/exim.sh)"
		echo "spool_directory = $dir/spool"
		echo "log_file_path = $dir/log/%slog"
		echo "primary_hostname = mw-exim.localdomain"
		echo "domainlist local_domains = localhost : mw-exim.localdomain"
		echo "keep_environment ="
		echo "tls_advertise_hosts ="
		echo "acl_smtp_rcpt = acl_check_rcpt"
		for line in "$@"; do printf '%s\n' "$line"; done
		cat <<'ACL'
begin acl
acl_check_rcpt:
  accept hosts = +relay_from_hosts
  require domains = +local_domains
  accept
begin routers
begin transports
ACL
	} >"$dir/exim.conf"
	cat >"$dir/exim4" <<WRAP
#!/bin/sh
# run the extracted Exim with $dir/exim.conf (tests/lib/exim.sh)
exec unshare -m sh -c 'mount --make-rprivate / && mount --bind "\$0/passwd" /etc/passwd &&
	mount --bind "\$0/group" /etc/group &&
	LD_LIBRARY_PATH="$MW_EXIM_ROOT/usr/lib/x86_64-linux-gnu" exec "$MW_EXIM_ROOT/usr/sbin/exim4" -C "\$0/exim.conf" "\$@"' "$dir" "\$@"
WRAP
	chmod 0755 "$dir/exim4"
}

ex_start() {
	local dir=$1 port=$2 _
	${EX_NETNS:+ip netns exec "$EX_NETNS"} "$dir/exim4" -bdf -oX "$port" >"$dir/daemon.out" 2>&1 &
	echo $! >"$dir/pid"
	for _ in $(seq 1 100); do
		if ${EX_NETNS:+ip netns exec "$EX_NETNS"} bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
			return 0
		fi
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "Exim in $dir does not listen on port $port:"
	cat "$dir/daemon.out" "$dir"/log/* 2>/dev/null || true
	return 1
}

ex_stop() {
	local dir=$1 pid
	pid=$(cat "$dir/pid" 2>/dev/null || true)
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$dir/pid"
}
