<?php
/* Family: mailer/mass-form
   Style: multibyte send function instead of the plain one
   Trait: mb_send_mail in a loop over a POST list split on line feeds, Japanese-charset headers */
mb_language('uni');
mb_internal_encoding('UTF-8');
$adrs = explode("\n", $_POST['adrs']);
foreach ($adrs as $adr) {
	$adr = trim($adr);
	if ($adr === '') continue;
	mb_send_mail($adr, $_POST['kenmei'], $_POST['honbun'], 'From: ' . $_POST['sashidashi'] . "\r\nX-Mailer: Microsoft Outlook 16.0");
}
echo count($adrs);
