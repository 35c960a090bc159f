require ["fileinto","copy"];
# rule:[copy out]
if true
{
	redirect :copy "out@freemail.example";
}
# rule:[disabled]
if false # allof (header :contains "subject" "x", address :is "from" "y@z.example")
{
	redirect "never@example.org";
	stop;
}
# rule:[bank]
if anyof (header :contains "from" ["bank", "paypal"], not exists "list-id")
{
	fileinto "INBOX.Trash";
}
