<?php
/* Family: mailer/checker
 * Style: one-field checker whose mail body is the marker
 * Trait: test mail to the address typed into the form, with "working" in the message itself
 */
?>
<form method="post"><input type="text" name="addr"><input type="submit" value="check"></form>
<?php
if (!empty($_POST['addr'])) {
	$tag = rand(1000, 9999);
	mail($_POST['addr'], "delivery test - " . $tag, "WORKING !");
	print "sent a test to " . htmlspecialchars($_POST['addr']) . " - $tag";
}
