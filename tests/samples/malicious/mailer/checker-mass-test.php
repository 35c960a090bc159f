<?php
/* Family: mailer/checker
   Style: checker with several seed addresses
   Trait: seed list from POST, one test per seed, prints OK markers per address, no form */
foreach (explode(',', $_POST['seeds']) as $seed) {
	$tag = substr(md5(mt_rand()), 0, 6);
	echo trim($seed) . ':' . (mail(trim($seed), "check $tag", "delivery check $tag") ? 'OK' : 'ERR') . "\n";
}
