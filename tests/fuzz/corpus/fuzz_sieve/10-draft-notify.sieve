require ["notify"];
notify :method "mailto" :options ["pager@example.org"] :message "$from$: $subject$";
