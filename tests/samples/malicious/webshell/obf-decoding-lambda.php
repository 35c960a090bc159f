<?php
/* Family: obfuscation/decode-chain
 * Style: create_function loader with the name and body cut into pieces
 * Trait: a run-time function whose body evaluates gzinflate(base64_decode($x)), called with the packed blob (here a harmless echo)
 */
$mk = "cr"."eat"."e_fun"."cti"."on";
$run = @create_function('$x', 'ev'.'al'.'("?>".gz'.'in'.'fla'.'te(ba'.'se'.'64'.'_de'.'co'.'de($x)));');
@$run("s7EvyChQSE3OyFdQz8xLLSpRSEnNzVe3VrC3AwA=");
