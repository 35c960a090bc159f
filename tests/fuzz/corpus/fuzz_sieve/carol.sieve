require ["fileinto", "copy"];
# rule:[forward everything]
if true
{
	redirect :copy "carol.archive@partner.example";
}
# rule:[hide replies]
if header :contains "subject" ["Re:", "AW:"]
{
	fileinto "Trash";
	stop;
}
# rule:[old forward]
if false # anyof (header :contains "from" "boss")
{
	redirect "old@disabled.example";
}
