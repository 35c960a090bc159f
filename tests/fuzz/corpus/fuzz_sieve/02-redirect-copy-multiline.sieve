require ["copy", "vacation"];
/* bracket comment
   over lines */
redirect :copy "a@example.org"; # trailing comment
vacation :days 3 :addresses ["me@example.com", "me2@example.com"] text:
Hello,
..dot-stuffed line
I am away. "quotes" and # hash are text here.
.
;
