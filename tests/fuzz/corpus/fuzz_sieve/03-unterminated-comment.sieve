/* never closed
redirect "a@example.org";
