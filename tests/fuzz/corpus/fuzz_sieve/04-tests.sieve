require ["envelope", "fileinto"];
if allof (not size :over 100K, envelope :all :is "from" "x@example.com", true)
{
	keep;
}
elsif header :matches ["Subject", "Comments"] "*money*"
{
	discard;
}
elsif address :localpart :is "to" "sales" { fileinto "Sales"; }
else
{
	stop;
}
