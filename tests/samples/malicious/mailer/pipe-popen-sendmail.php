<?php
// Family: mailer/sendmail-pipe
// Style: direct pipe to the sendmail binary
// Trait: popen of the sendmail binary with -t, message headers written by hand from POST values, list loop
set_time_limit(0);
foreach (explode("\n", $_POST['rcpts']) as $rc) {
	$pp = popen('/usr/sbin/sendmail -t -i', 'w');
	fputs($pp, "To: " . trim($rc) . "\n");
	fputs($pp, "From: " . $_POST['from'] . "\n");
	fputs($pp, "Subject: " . $_POST['subject'] . "\n");
	fputs($pp, "MIME-Version: 1.0\nContent-Type: text/html\n\n");
	fputs($pp, $_POST['html']);
	pclose($pp);
}
