<?php
/*
 * Family: mailer/mass-form
 * Style: counted for-loop with throttling
 * Trait: list split with explode on CRLF, for-loop with index, sleep between batches
 */
@ini_set('max_execution_time', 0);
@set_time_limit(0);
$lista = $_POST["lista"];
$de = $_POST["de"];
$nome = $_POST["nome"];
$assunto = $_POST["assunto"];
$html = $_POST["html"];
if ($lista) {
    $emails = explode("\r\n", $lista);
    $total = count($emails);
    for ($x = 0; $x < $total; $x++) {
        $para = trim($emails[$x]);
        $cab = "From: " . $nome . " <" . $de . ">\n";
        $cab .= "Reply-To: " . $de . "\n";
        $cab .= "Content-type: text/html; charset=iso-8859-1\n";
        $ok = @mail($para, $assunto, $html, $cab);
        print ($x + 1) . " de $total - $para " . ($ok ? "enviado" : "erro") . "<br>";
        if (($x % 50) == 0) { sleep(3); }
    }
}
?>
<form action="" method="post">
<input type="text" name="de" /> <input type="text" name="nome" /> <input type="text" name="assunto" />
<textarea name="html"></textarea><textarea name="lista"></textarea><input type="submit" />
</form>
