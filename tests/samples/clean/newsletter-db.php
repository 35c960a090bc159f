<?php
// Clean: a newsletter job run from cron; subscribers come from the database,
// the body from a stored template, with an unsubscribe header.
if (PHP_SAPI !== 'cli') exit(1);
set_time_limit(0);
$db = new PDO('sqlite:/var/lib/news/news.db');
$tpl = file_get_contents(__DIR__ . '/templates/issue.html');
foreach ($db->query('SELECT email, token FROM subscribers WHERE confirmed = 1') as $s) {
	$headers = "From: News <news@example.net>\r\n";
	$headers .= "List-Unsubscribe: <https://example.net/unsub?t={$s['token']}>\r\n";
	$headers .= "MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n";
	mail($s['email'], 'Example News', str_replace('{token}', $s['token'], $tpl), $headers);
	usleep(100000);
}
