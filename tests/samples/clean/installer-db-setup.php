<?php
// Clean: an application installer: connects with the database details the
// administrator typed in, creates its tables with fixed SQL and writes its
// configuration; no SQL comes from the request.
$link = mysqli_connect($_POST['dbhost'], $_POST['dbuser'], $_POST['dbpass'], $_POST['dbname']);
if (!$link) { exit('Cannot connect: check the details.'); }
mysqli_query($link, 'CREATE TABLE IF NOT EXISTS app_users (id INT PRIMARY KEY, name VARCHAR(64))');
mysqli_query($link, 'CREATE TABLE IF NOT EXISTS app_posts (id INT PRIMARY KEY, body TEXT)');
