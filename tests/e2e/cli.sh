#!/bin/bash
# The command line contract: help, version, usage errors, config errors,
# write errors, exit codes. Uses `signatures` only through --help, so it does
# not depend on any check being implemented.
set -euo pipefail
MW=${MW_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
expect() {	# expect CODE DESCRIPTION -- command...
	local want=$1 what=$2; shift 3
	set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $what: exit $got, want $want"; cat "$tmp/err"; fails=$((fails + 1))
	else
		echo "ok: $what (exit $got)"
	fi
}
grep_out() {	# grep_out FILE REGEX DESCRIPTION
	if grep -qE -- "$2" "$tmp/$1"; then echo "ok: $3"; else
		echo "FAIL: $3: /$2/ not in $1:"; cat "$tmp/$1"; fails=$((fails + 1)); fi
}

expect 0 "--help" -- "$MW" --help
grep_out out '^  scan +find PHP mailer' "--help lists the subcommands"
for c in audit scan forwarders relay dnsbl logs firewall quarantine signatures ack; do
	expect 0 "$c --help" -- "$MW" "$c" --help
	grep_out out "^usage: mailwarden $c" "$c --help shows its usage"
done
expect 0 "help scan" -- "$MW" help scan
expect 0 "--version" -- "$MW" --version
grep_out out '^mailwarden [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
expect 2 "no command" -- "$MW"
expect 2 "unknown command" -- "$MW" frobnicate
grep_out err "unknown command 'frobnicate'" "unknown command named"
expect 2 "bad --format" -- "$MW" scan --format xml
grep_out err "unknown format 'xml'" "bad format named"
expect 2 "bad --color" -- "$MW" scan --color sometimes
expect 2 "--format without value" -- "$MW" scan --format

# configuration errors carry file and line, and stop the run (exit 2)
printf '[scan]\nthreads = 2\nfrobs = 1\n' >"$tmp/bad.conf"
chmod 600 "$tmp/bad.conf"
expect 2 "unknown config key" -- "$MW" --config "$tmp/bad.conf" signatures lint
grep_out err "bad.conf: line 3: unknown key 'frobs' in section \[scan\]" "config error has file:line"
expect 2 "missing --config file" -- "$MW" --config "$tmp/nope.conf" signatures lint
grep_out err "nope.conf: No such file" "missing config named"
ln -s /etc/passwd "$tmp/link.conf"
expect 2 "symlinked config refused" -- "$MW" --config "$tmp/link.conf" signatures lint
grep_out err "symbolic link" "symlink refusal explained"
printf '[scan]\nthreads = 2\n' >"$tmp/ww.conf"
chmod 666 "$tmp/ww.conf"
expect 2 "world-writable config refused" -- "$MW" --config "$tmp/ww.conf" signatures lint

# a command's failure message is escaped on stderr: a path with an escape
# sequence and a newline must not reach the terminal raw
bad=$'\e[2Jevil\nname'
expect 2 "missing rule directory with a hostile name" -- "$MW" scan --no-progress --signatures "$tmp/$bad" "$tmp"
grep_out err 'x1b\[2Jevil\\nname: cannot read rule files' "the failure names the escaped path"
if grep -q $'\e' "$tmp/err" "$tmp/out"; then
	echo "FAIL: raw ESC byte printed"; fails=$((fails + 1))
else
	echo "ok: no raw ESC byte in the output"
fi

# a full disk or closed pipe on stdout is an error (exit 2), not success
set +e
"$MW" --help >/dev/full 2>/dev/null; rc=$?
set -e
if [ $rc -eq 2 ]; then echo "ok: --help to /dev/full exits 2"; else
	echo "FAIL: --help to /dev/full exited $rc"; fails=$((fails + 1)); fi

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
