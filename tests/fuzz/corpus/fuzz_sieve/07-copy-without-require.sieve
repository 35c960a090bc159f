redirect :copy "x@example.org";
