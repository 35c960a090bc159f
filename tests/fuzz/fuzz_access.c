/*
 * libFuzzer target: the access-table judgement of the relay audit on
 * tables written in the restriction itself (inline:{...}, static:), the
 * part of access.c that parses text without opening files, and the
 * restriction-name lookup.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/relay/access.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const prefix[] = { "inline:{", "static:", "static:{" };
	struct mw_access_filter kf = { 0 };
	struct mw_access_ok ok;
	char tpath[256], *tab;
	const char *why;
	size_t i, pl;

	(void)mw_access_input((const char *)data, size);
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		pl = strlen(prefix[i]);
		tab = malloc(pl + size + 1);
		if (!tab)
			return 0;
		memcpy(tab, prefix[i], pl);
		memcpy(tab + pl, data, size);
		tab[pl + size] = '\0';
		/* the input as one token, NUL bytes end it as Postfix's do */
		kf.client = (int)(i & 1);
		kf.recipient = (int)(i == 2);
		why = NULL;
		if (mw_access_table_can_permit(tab, strlen(tab), &kf, &ok, tpath, sizeof(tpath),
					       &why) > 0 &&
		    (!memchr(ok.key, '\0', sizeof(ok.key)) ||
		     !memchr(ok.action, '\0', sizeof(ok.action))))
			__builtin_trap();
		free(tab);
	}
	return 0;
}
