/*
 * Driving a c-ares channel with poll(): the one event loop shared by every
 * check that asks DNS (dnsbl, reputation). The callbacks of the channel
 * update *pending and may move *deadline; the loop ends when nothing is
 * pending or the deadline has passed. Cancelling what is left is the
 * caller's business (ares_cancel), because only it knows what a cancelled
 * query means.
 */
#ifndef MW_ARESLOOP_H
#define MW_ARESLOOP_H

#include <ares.h>
#include <stddef.h>

/* CLOCK_MONOTONIC in milliseconds. */
long long mw_now_ms(void);

/*
 * Process ch until *pending is 0 or mw_now_ms() reaches *deadline (both
 * read again after every round, so callbacks may change them).
 */
void mw_ares_loop(ares_channel ch, const size_t *pending,
		  const long long *deadline);

#endif
