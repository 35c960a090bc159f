redirect "someone@example.org";
