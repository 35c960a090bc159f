<?php
/* Family: obfuscation/decode-chain
   Style: decoder name kept in a variable inside the evaluator
   Trait: base64_decode stored in a variable and called inside eval on an embedded string */
$dx = "base64_decode";
eval($dx("ZWNobyAnaW5lcnQgc2FtcGxlIGZvciBtYWlsd2FyZGVuIHRlc3RzJzs="));
