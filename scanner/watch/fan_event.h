/*
 * The records fanotify(7) hands to read(2) with FAN_REPORT_DFID_NAME: an
 * event header, then info records (the directory's file handle, the name
 * in it). The kernel writes them, but a parser that trusts lengths is one
 * bad kernel or one wrong flag away from reading past the buffer: every
 * length is checked here, and nothing else looks at the raw bytes.
 */
#ifndef MW_WATCH_FAN_EVENT_H
#define MW_WATCH_FAN_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define MW_FAN_MAX_HANDLE	128	/* MAX_HANDLE_SZ: bytes of f_handle */

/* One event; pointers point into the buffer given to mw_fan_parse(). */
struct mw_fan_event {
	uint64_t mask;		/* FAN_* bits */
	int32_t pid;
	int overflow;		/* FAN_Q_OVERFLOW: events were lost */
	int has_dir;		/* a DFID_NAME (or DFID) record was found */
	int32_t fsid[2];	/* __kernel_fsid_t of the directory's filesystem */
	uint32_t handle_bytes;	/* <= MW_FAN_MAX_HANDLE */
	int32_t handle_type;
	const unsigned char *handle;
	const char *name;	/* NUL-terminated in the buffer; "" when none */
	size_t name_len;
};

/* Called per event; a non-zero return stops the parse. */
typedef int (*mw_fan_event_fn)(void *arg, const struct mw_fan_event *ev);

/*
 * Parse len bytes of read(2) output. Events whose version is not the one
 * this build knows, or whose lengths do not fit, stop the parse: returns
 * the number of events delivered, or -1 when the buffer was malformed
 * (those before it were delivered). Never reads outside buf[0..len).
 */
long mw_fan_parse(const void *buf, size_t len, mw_fan_event_fn fn, void *arg);

#endif
