#!/bin/bash
# The Ansible role contrib/ansible/mailwarden against localhost (connection:
# local), run by tests/e2e/package.sh with the .deb it built:
#   ansible-role.sh DEB WORKDIR
# Run 1 installs the package, writes /etc/mailwarden.conf, enables the
# nightly timer, runs the audit (scan of a fixture web root only: no
# network) and fetches the report: changed > 0. Run 2, same variables:
# changed=0, and the report is fetched again. Purges the package at the end.
# Units are enabled, not started: systemd may not be PID 1 here.
set -euo pipefail
deb=${1:?} work=${2:?}
MW_TOP=${MW_TOP:?}
mkdir -p "$work/www" "$work/reports"
cp "$MW_TOP/tests/samples/malicious/mailer/kit-inbox-mass.php" "$work/www/a.php"
trap 'dpkg --purge mailwarden >/dev/null 2>&1 || true' EXIT
fail=0
check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then echo "ok: ansible: $what"; else echo "FAIL: ansible: $what"; fail=1; fi
}

cat >"$work/inventory" <<EOF2
localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3
EOF2
cat >"$work/site.yml" <<EOF2
- hosts: all
  gather_facts: false
  roles:
    - role: mailwarden
      vars:
        mailwarden_deb: $deb
        mailwarden_config:
          general:
            local_domains: [example.com, example.net]
            journal: false
          nightly:
            mail_to: ""
            mail_only_new: true
        mailwarden_nightly_timer: true
        mailwarden_start_units: false
        mailwarden_run_audit: true
        mailwarden_audit_args: [--only, scan, --web-root, $work/www]
        mailwarden_fetch_dir: $work/reports
EOF2
play() {	# play LOG
	ANSIBLE_ROLES_PATH="$MW_TOP/contrib/ansible" ANSIBLE_LOCAL_TEMP="$work/.ansible" \
	ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 HOME="$work" \
		ansible-playbook -i "$work/inventory" "$work/site.yml" >"$1" 2>&1
}
recap() { sed -n 's/.*localhost *: *//p' "$1" | tail -1; }

rc=0; play "$work/run1.log" || rc=$?
[ $rc = 0 ] || tail -30 "$work/run1.log"
echo "run 1: $(recap "$work/run1.log")"
check "run 1 succeeds" test $rc = 0
check "run 1 changed something" grep -Eq 'changed=[1-9]' <<<"$(recap "$work/run1.log")"
check "package installed" test "$(dpkg-query -W -f '${Status}' mailwarden 2>/dev/null)" = "install ok installed"
check "configuration from the variables" \
	bash -c "grep -qx 'local_domains = example.com example.net' /etc/mailwarden.conf && grep -qx 'journal = no' /etc/mailwarden.conf"
check "nightly timer enabled" test -L /etc/systemd/system/timers.target.wants/mailwarden-nightly.timer
check "firewall unit not enabled" bash -c "! ls /etc/systemd/system/*.wants/mailwarden-firewall* >/dev/null 2>&1"
r=$work/reports/localhost/audit.json
check "report fetched" jq -e '.command == "audit" and (.findings | length) > 0' "$r"
mv "$r" "$work/report1.json"

rc=0; play "$work/run2.log" || rc=$?
[ $rc = 0 ] || tail -30 "$work/run2.log"
echo "run 2: $(recap "$work/run2.log")"
check "run 2 succeeds" test $rc = 0
check "run 2: changed=0" grep -q 'changed=0 ' <<<"$(recap "$work/run2.log")"
check "run 2: report fetched again" jq -e '.command == "audit"' "$r"
exit $fail
