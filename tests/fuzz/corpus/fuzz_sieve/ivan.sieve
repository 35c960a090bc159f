require ["copy","vacation","enotify","variables"];
# rule:[keep a copy at home]
redirect :copy "ivan@ivan-private.example";
# rule:[away]
vacation :days 7 :subject "Away" text:
I am away.
..and back on Monday.
.
;
notify :message "new mail" "mailto:pager@sms-gw.example?subject=mail";
