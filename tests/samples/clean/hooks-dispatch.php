<?php
// Clean: an event dispatcher with call_user_func_array over registered
// callbacks; the request only selects among registered names.
class Hooks {
	private static $actions = array();
	public static function add($tag, callable $cb, $prio = 10) { self::$actions[$tag][$prio][] = $cb; }
	public static function run($tag, ...$args) {
		if (empty(self::$actions[$tag])) return;
		ksort(self::$actions[$tag]);
		foreach (self::$actions[$tag] as $cbs) foreach ($cbs as $cb) call_user_func_array($cb, $args);
	}
}
$action = isset($_GET['action']) ? preg_replace('/[^a-z_]/', '', $_GET['action']) : 'index';
Hooks::run('admin_action_' . $action);
