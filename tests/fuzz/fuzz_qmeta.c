/* libFuzzer target: the quarantine's <id>.meta parser (what rebuilds a
 * damaged index). The input is not NUL-terminated on purpose. A record
 * that parses must hold an absolute path, a 64-digit sha256 and xattrs
 * with values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/webroot/quarantine_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_qmeta m;
	size_t i;

	if (mw_qmeta_parse((const char *)data, size, &m) == 0) {
		if (!m.path || m.path[0] != '/' || strlen(m.sha256) != 64 || !m.rules ||
		    m.id <= 0)
			abort();
		for (i = 0; i < m.nxattrs; i++)
			if (!m.xattrs[i].name || !m.xattrs[i].value)
				abort();
		mw_qmeta_clear(&m);
	}
	return 0;
}
