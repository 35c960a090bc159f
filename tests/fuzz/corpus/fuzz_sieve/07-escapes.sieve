require "fileinto";
if header :contains "subject" "a \"quoted\" \\ word" { fileinto "Junk"; }
redirect "esc\aped@example.org";
