<?php
// Clean: a PHP 5-era template engine replacing {name} placeholders through
// the e modifier with a fixed expression over its own variables, and
// upper-casing words with a fixed callback expression.
class LegacyTemplate
{
	public $vars = array();

	public function render($tpl)
	{
		$out = preg_replace('/\{(\w+)\}/e', "\$this->vars['\\1']", $tpl);
		return preg_replace('/\b(\w)(\w*)\b/e', "strtoupper('\\1').'\\2'", $out);
	}
}
