<?php
// Clean: a cron endpoint protected by a token from the configuration: the
// request's token is compared with hash_equals against a configured value,
// not with a literal written into the file.
$config = require __DIR__ . '/config.php';
if (!isset($_GET['token']) || !hash_equals($config['cron_token'], (string)$_GET['token'])) {
	http_response_code(403);
	exit;
}
require __DIR__ . '/jobs/run.php';
