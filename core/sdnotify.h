/*
 * systemd's readiness and watchdog protocol, without libsystemd: one
 * datagram to $NOTIFY_SOCKET (a path, or "@name" for the abstract
 * namespace). Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
 */
#ifndef MW_SDNOTIFY_H
#define MW_SDNOTIFY_H

#include <stdint.h>

/*
 * Send state ("READY=1", "WATCHDOG=1", "STATUS=...", newline-separated).
 * Returns 1 sent, 0 not under systemd, -1 error (errno set).
 */
int mw_sd_notify(const char *state);

/*
 * The watchdog interval systemd asks for ($WATCHDOG_USEC, meant for this
 * process when $WATCHDOG_PID is unset or ours), in microseconds; 0 none.
 */
uint64_t mw_sd_watchdog_usec(void);

#endif
