<b><?php $a = "x{$b['c']}\x4"; /* c */ # d
 <<<'E'
 q
 E;
<<<F
$x
F; (int)$y; ${'z'}; `id`; ?>t<script language='php'>1</script><?= 'e\