# shellcheck shell=bash
# tests/lib/check.sh — the assertions of an e2e script.
#
#   check "what" COMMAND...   run COMMAND; print "ok:   what" or "FAIL: what"
#                             and count the failures in $fails
#   jqt FILE FILTER           true when the jq FILTER yields true on FILE
#
# End the script with: [ "$fails" -eq 0 ] (or print diagnostics and exit 1).

fails=0

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok:   $what"
	else
		echo "FAIL: $what"
		fails=$((fails + 1))
	fi
}

jqt() {
	[ "$(jq -r "$2" "$1")" = true ]
}
