#include <strings.h>
#include <syslog.h>

#include "core/severity.h"

static const char *const names[MW_SEV__COUNT] = {
	"info", "low", "medium", "high", "critical"
};

const char *mw_severity_name(enum mw_severity s)
{
	return (unsigned)s < MW_SEV__COUNT ? names[s] : "unknown";
}

int mw_severity_parse(const char *s)
{
	int i;

	for (i = 0; i < MW_SEV__COUNT; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

int mw_severity_syslog(enum mw_severity s)
{
	static const int prio[MW_SEV__COUNT] = {
		[MW_SEV_INFO] = LOG_INFO, [MW_SEV_LOW] = LOG_NOTICE,
		[MW_SEV_MEDIUM] = LOG_WARNING, [MW_SEV_HIGH] = LOG_ERR,
		[MW_SEV_CRITICAL] = LOG_CRIT,
	};

	return (unsigned)s < MW_SEV__COUNT ? prio[s] : LOG_INFO;
}
