<?php
// Clean: an admin "send test e-mail" button: current user's own address,
// capability check and nonce; not a checker script.
function plugin_send_test_mail() {
	if (!current_user_can('manage_options') || !check_admin_referer('send-test')) wp_die('forbidden');
	$u = wp_get_current_user();
	$ok = wp_mail($u->user_email, 'Test message', 'This is a test message from your site.');
	add_settings_error('mail', 'test', $ok ? 'Test message sent.' : 'Sending failed.');
}
add_action('admin_post_send_test', 'plugin_send_test_mail');
