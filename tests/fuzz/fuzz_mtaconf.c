/*
 * libFuzzer target: the MTA configuration parsers of the relay audit —
 * postconf "name = value" output, postconf -M service lines, Postfix and
 * Exim address lists — and address matching against what they produce.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/relay/mtaconf.h"
#include "scanner/relay/relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_kvlist kv = { 0 };
	struct mw_servicelist sv = { 0 };
	struct mw_netlist pl = { 0 }, el = { 0 };
	char *text = malloc(size + 1);
	size_t i;
	int trusted;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)mw_kv_parse(text, size, &kv);
	(void)mw_services_parse(text, size, &sv);
	for (i = 0; i < sv.n; i++)
		(void)mw_service_port(sv.v[i].name);
	/* lists come from values: parse every value, and the raw text */
	(void)mw_netlist_parse_postfix(text, &pl);
	(void)mw_netlist_parse_exim(text, &el);
	for (i = 0; i < kv.n && i < 16; i++) {
		struct mw_netlist l = { 0 };

		(void)mw_netlist_parse_postfix(kv.v[i].value, &l);
		json_decref(mw_relay_matching_entries(&l, "127.0.0.1", &trusted));
		json_decref(mw_relay_matching_entries(&l, "2001:db8::1", &trusted));
		mw_netlist_free(&l);
	}
	for (i = 0; i < pl.n; i++) {
		(void)mw_net_is_loopback(&pl.v[i]);
		(void)mw_net_is_private(&pl.v[i]);
	}
	json_decref(mw_relay_matching_entries(&el, "192.0.2.1", &trusted));
	mw_kv_free(&kv);
	mw_services_free(&sv);
	mw_netlist_free(&pl);
	mw_netlist_free(&el);
	free(text);
	return 0;
}
