#ifndef MW_SEVERITY_H
#define MW_SEVERITY_H

enum mw_severity {
	MW_SEV_INFO = 0,
	MW_SEV_LOW,
	MW_SEV_MEDIUM,
	MW_SEV_HIGH,
	MW_SEV_CRITICAL,
	MW_SEV__COUNT
};

/* "info", "low", ... */
const char *mw_severity_name(enum mw_severity s);
/* Parse a severity name (case-insensitive); returns -1 when unknown. */
int mw_severity_parse(const char *s);
/* syslog/journal priority: critical -> LOG_CRIT, high -> LOG_ERR, medium ->
 * LOG_WARNING, low -> LOG_NOTICE, info -> LOG_INFO. */
int mw_severity_syslog(enum mw_severity s);

#endif
