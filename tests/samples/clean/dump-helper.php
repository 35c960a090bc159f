<?php
// Clean: a backup helper that runs mysqldump with exec and, where exec is
// disabled, with proc_open: two runners, each with an escaped command.
function dump_database($db, $file)
{
	$cmd = 'mysqldump ' . escapeshellarg($db) . ' > ' . escapeshellarg($file);
	if (function_exists('exec')) {
		exec($cmd, $out, $rc);
		return $rc === 0;
	}
	$p = proc_open($cmd, array(), $pipes);
	return is_resource($p) && proc_close($p) === 0;
}
