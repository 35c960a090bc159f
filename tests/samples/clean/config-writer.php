<?php
// A setup page that shows the configuration file it generated, for the
// administrator to copy: printed PHP code with a base64 secret, no eval.
$secret = base64_encode(random_bytes(48));
header('Content-Type: text/plain');
print("<?php\n\$config['db_host'] = 'localhost';\n\$config['des_key'] = base64_decode(\"" . $secret . "\");\n");
echo '$config[\'session_key\'] = base64_decode("c2Vzc2lvbi1rZXktZm9yLWRlbW8tdXNlLW9ubHktc2Vzc2lvbi1rZXktZm9yLWRlbW8tdXNlLW9ubHktc2Vzc2lvbi1rZXktZm9yLWRlbW8tdXNlLW9ubHktc2Vzc2lvbi1rZXktZm9yLWRlbW8tdXNlLW9ubHktc2Vzc2lvbi1rZXktZm9yLWRlbW8tdXNlLW9ubHktc2Vzc2lvbi1rZXktZm9yLWRlbW8tdXNlLW9ubHk=");' . "\n";
echo "// include this file from config.inc.php; evaluate nothing else\n";
