frobnicate "a@example.org";
