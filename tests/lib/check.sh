# shellcheck shell=bash
# tests/lib/check.sh — the assertions of the e2e scripts, in one place.
#
#   check "what" COMMAND...   run COMMAND; print "ok:   what" or "FAIL: what"
#                             and count the failure in $fails
#   jqt FILE FILTER           true when the jq FILTER over FILE yields true
#   refused COMMAND...        true when COMMAND fails (its output dropped)
#   checkq "what" COMMAND...  check, with COMMAND's standard output dropped
#   jqok "what" FILE FILTER   check that the jq FILTER over the report FILE
#                             yields true; on failure also print the filter
#                             and the report's findings, errors and notes
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
refused() {
	! "$@" >/dev/null 2>&1
}
checkq() {
	local what=$1
	shift
	check "$what" quiet "$@"
}
quiet() {
	"$@" >/dev/null
}
jqok() {
	local what=$1 file=$2 filter=$3 before=$fails
	check "$what" jqt "$file" "$filter"
	[ "$fails" = "$before" ] && return 0
	echo "      filter: $filter"
	jq -c '[.findings[]? | {rule_id, title}], .errors, .notes' "$file" 2>/dev/null || true
}
