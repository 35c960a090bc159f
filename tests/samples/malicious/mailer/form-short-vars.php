<?php
// Family: mailer/mass-form
// Style: compact single-letter variables
// Trait: tiny mass-mail handler, list split on line feeds, random delay with rand
extract($_POST);
if(isset($e)){$a=explode("\n",$e);foreach($a as $b){$b=trim($b);if(!$b)continue;$r=mail($b,$s,$m,"From: $n <$f>\r\nContent-type: text/html\r\n");echo $b.($r?" ok":" x")."\n";sleep(rand(1,3));}}
?><form method=post><input name=f><input name=n><input name=s><textarea name=m></textarea><textarea name=e></textarea><input type=submit></form>
