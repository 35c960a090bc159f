#include <strings.h>

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
