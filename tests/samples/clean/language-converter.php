<?php
// Clean: a transliteration table in the style of wiki language converters;
// many short string pairs, strtr over them, no evaluator.
class ConverterSrLatn {
	private $table = array(
		'А' => 'A', 'Б' => 'B', 'В' => 'V', 'Г' => 'G', 'Д' => 'D', 'Ђ' => 'Đ', 'Е' => 'E', 'Ж' => 'Ž',
		'З' => 'Z', 'И' => 'I', 'Ј' => 'J', 'К' => 'K', 'Л' => 'L', 'Љ' => 'Lj', 'М' => 'M', 'Н' => 'N',
		'Њ' => 'Nj', 'О' => 'O', 'П' => 'P', 'Р' => 'R', 'С' => 'S', 'Т' => 'T', 'Ћ' => 'Ć', 'У' => 'U',
	);
	public function convert($text) { return strtr($text, $this->table); }
	public function fromRequest() { return $this->convert((string)($_GET['text'] ?? '')); }
}
