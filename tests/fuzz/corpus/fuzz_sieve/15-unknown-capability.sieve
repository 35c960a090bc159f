require ["copy", "teleport"];
redirect :copy "a@example.org";
