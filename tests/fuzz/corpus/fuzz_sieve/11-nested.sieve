require ["fileinto", "copy"];
if header :contains "to" "a" {
  if header :contains "cc" "b" {
    if not header :contains "subject" "c" {
      redirect :copy "deep@example.org";
    }
  }
}
