<?php
# Family: mailer/mass-form
# Style: REQUEST-driven sender with regex split
# Trait: recipients split with a regex over request input, while-loop with array_shift
ignore_user_abort(true);
set_time_limit(0);
$r = $_REQUEST;
$targets = preg_split('/[\s,;]+/', $r['to_list'], -1, PREG_SPLIT_NO_EMPTY);
$hdr = 'From: ' . $r['fname'] . ' <' . $r['femail'] . '>' . "\r\n" . 'X-Priority: 3' . "\r\n" . 'MIME-Version: 1.0' . "\r\n";
$sent = 0;
while ($rcpt = array_shift($targets)) {
	if (mail($rcpt, $r['subj'], $r['body'], $hdr)) $sent++;
	usleep(200000);
}
echo "sent:" . $sent;
