<?php
/* Family: mailer/mass-form
 * Style: register_globals-era mass mailer
 * Trait: recipient-list textarea and a loop over it; From, Subject and body from plain variables, no superglobal read
 */
?>
<form method="post">
<input name="fromname"><input name="fromaddr"><input name="topic">
<textarea name="emaillist" rows="10"><? print $emaillist; ?></textarea>
<textarea name="body"></textarea><input type="submit" name="action" value="send">
</form>
<?php
if ($action == "send") {
	$all = explode("\n", $emaillist);
	$n = count($all);
	for ($k = 0; $k < $n; $k++) {
		$one = trim($all[$k]);
		$head = "From: $fromname <$fromaddr>\r\nContent-Type: text/html\r\n";
		mail($one, $topic, $body, $head);
		print "$one ... done<br>";
	}
}
