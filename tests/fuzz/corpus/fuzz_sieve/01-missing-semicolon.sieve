redirect "a@example.org"
keep;
