<?php
// Clean: archive handling in the style of pclzip: chmod, touch, gzinflate of
// archive data and file writes, driven by the caller, not by the request.
class Archive_Lite {
	var $zipname;
	function __construct($p) { $this->zipname = $p; }
	function extractFile($header, $path, $remove_path = '') {
		$fd = fopen($this->zipname, 'rb');
		fseek($fd, $header['offset']);
		$buffer = fread($fd, $header['compressed_size']);
		fclose($fd);
		if ($header['compression'] == 8) $buffer = gzinflate($buffer);
		$out = $path . '/' . substr($header['filename'], strlen($remove_path));
		if (!is_dir(dirname($out))) mkdir(dirname($out), 0777, true);
		file_put_contents($out, $buffer);
		touch($out, $header['mtime']);
		if ($header['external'] & 0x10000000) chmod($out, 0755);
		return 1;
	}
}
