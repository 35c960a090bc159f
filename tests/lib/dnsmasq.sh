# shellcheck shell=bash
# tests/lib/dnsmasq.sh — a private dnsmasq serving only the zones a test
# gives it.
#
#   dns_start PORT LOG [OPTION...]
#       dnsmasq on 127.0.0.1:PORT in the foreground (in the background of
#       the script), no resolv.conf, no hosts file, no pid file, every query
#       logged to LOG, plus the test's --local/--host-record/... options.
#       Sets dpid; returns when the port listens; exits 1 when dnsmasq did
#       not start. The caller's trap kills "$dpid".
dns_start() {
	local port=$1 log=$2 bin
	shift 2
	bin=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
	"$bin" --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
		--listen-address=127.0.0.1 --bind-interfaces --port="$port" --pid-file= \
		--log-facility="$log" --log-queries "$@" &
	dpid=$!
	for _ in $(seq 50); do
		ss -Hlun "sport = :$port" | grep -q . && break
		sleep 0.1
	done
	kill -0 "$dpid" 2>/dev/null || { echo "dnsmasq did not start"; cat "$log" || true; exit 1; }
}
