require ["enotify", "variables"];
if header :matches "from" "*" { set "from" "${1}"; }
notify :importance "1" :message "mail from ${from}" "mailto:alert@example.org?subject=hi";
