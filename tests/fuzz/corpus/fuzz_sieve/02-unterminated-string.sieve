redirect "a@example.org;
