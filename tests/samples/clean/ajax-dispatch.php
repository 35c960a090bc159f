<?php
// Clean: a plugin's AJAX endpoint. The action comes from the request but
// only selects one of the registered handlers; the request data reaches
// the handler inside an options array, never as code or a command.
$handlers = array('save' => 'plugin_save', 'load' => 'plugin_load');
$action = isset($_POST['action']) ? $_POST['action'] : '';
if (isset($handlers[$action])) {
	$handler = $handlers[$action];
	echo json_encode($handler(array('id' => intval($_POST['id']), 'data' => $_POST['data'])));
}
$size = intval($_GET['size']);
exec('convert -resize ' . $size . ' in.png out.png');
system('ls -l ' . escapeshellarg($_GET['dir']));
