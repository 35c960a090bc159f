<?php
/**
 * Clean: a pluggable mail function in the style of a CMS core; it builds
 * headers, wraps a bundled mailer class and fires filters. Request data
 * reaches it only through the application.
 */
if ( ! function_exists( 'site_mail' ) ) :
function site_mail( $to, $subject, $message, $headers = '', $attachments = array() ) {
	$atts = apply_filters( 'site_mail', compact( 'to', 'subject', 'message', 'headers', 'attachments' ) );
	global $mailer;
	if ( ! ( $mailer instanceof Mailer ) ) {
		require_once ABSPATH . 'includes/class-mailer.php';
		$mailer = new Mailer( true );
	}
	if ( ! is_array( $headers ) ) {
		$tempheaders = explode( "\n", str_replace( "\r\n", "\n", $headers ) );
	}
	foreach ( (array) $tempheaders as $header ) {
		list( $name, $content ) = explode( ':', trim( $header ), 2 );
		switch ( strtolower( trim( $name ) ) ) {
			case 'from': $from_email = trim( $content ); break;
			case 'content-type': $content_type = trim( $content ); break;
			case 'cc': $cc = array_merge( (array) $cc, explode( ',', $content ) ); break;
		}
	}
	$from_name = 'Site';
	if ( isset( $_SERVER['SERVER_NAME'] ) ) {
		$sitename = strtolower( $_SERVER['SERVER_NAME'] );
		$from_email = 'site@' . $sitename;
	}
	$mailer->setFrom( $from_email, $from_name, false );
	foreach ( (array) $to as $recipient ) {
		$mailer->addAddress( $recipient );
	}
	$mailer->Subject = $subject;
	$mailer->Body = $message;
	$mailer->ContentType = 'text/plain';
	$mailer->CharSet = 'UTF-8';
	return $mailer->send();
}
endif;
function site_password_reset_request() {
	$user = get_user_by_login( $_POST['user_login'] );
	$key = make_reset_key( $user );
	$message = "Someone requested a password reset.\r\n\r\n" . site_url( "login.php?action=rp&key=$key" ) . "\r\n";
	site_mail( $user->email, 'Password Reset', $message );
}
