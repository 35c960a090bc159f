<?php
// Family: webshell/anti-forensics
// Style: clean-up list of a shell kit
// Trait: command strings that delete shell history and unset HISTFILE; here they are only printed, never run
$steps = array('rm -f ~/.bash_history', 'unset HISTFILE', 'history -c');
foreach ($steps as $s)
	echo htmlspecialchars($s), "\n";
