/* Parsing fanotify's event records; fan_event.h has the contract. */
#include <string.h>
#include <sys/fanotify.h>

#include "scanner/watch/fan_event.h"

/* The fixed part of a DFID(_NAME) record: header, fsid, then a struct
 * file_handle (handle_bytes, handle_type, f_handle[]). */
#define FID_FIXED	(sizeof(struct fanotify_event_info_header) + 8)
#define HANDLE_FIXED	8

/* One info record at p (rlen bytes, checked by the caller) into ev. */
static int parse_info(const unsigned char *p, size_t rlen, struct mw_fan_event *ev)
{
	uint32_t hb;
	int32_t ht;
	const unsigned char *name;
	size_t rest;

	if (p[0] != FAN_EVENT_INFO_TYPE_DFID_NAME && p[0] != FAN_EVENT_INFO_TYPE_DFID)
		return 0;	/* FID, pidfd, error: not asked for, skipped */
	if (rlen < FID_FIXED + HANDLE_FIXED)
		return -1;
	memcpy(ev->fsid, p + sizeof(struct fanotify_event_info_header), 8);
	memcpy(&hb, p + FID_FIXED, 4);
	memcpy(&ht, p + FID_FIXED + 4, 4);
	if (hb == 0 || hb > MW_FAN_MAX_HANDLE || hb > rlen - FID_FIXED - HANDLE_FIXED)
		return -1;
	ev->handle_bytes = hb;
	ev->handle_type = ht;
	ev->handle = p + FID_FIXED + HANDLE_FIXED;
	ev->has_dir = 1;
	ev->name = "";
	ev->name_len = 0;
	if (p[0] != FAN_EVENT_INFO_TYPE_DFID_NAME)
		return 0;
	name = ev->handle + hb;
	rest = rlen - FID_FIXED - HANDLE_FIXED - hb;
	{
		const unsigned char *nul = memchr(name, '\0', rest);

		if (!nul)
			return -1;
		ev->name = (const char *)name;
		ev->name_len = (size_t)(nul - name);
	}
	return 0;
}

long mw_fan_parse(const void *buf, size_t len, mw_fan_event_fn fn, void *arg)
{
	const unsigned char *p = buf;
	long n = 0;

	while (len >= sizeof(struct fanotify_event_metadata)) {
		struct fanotify_event_metadata md;
		struct mw_fan_event ev;
		size_t off;

		memcpy(&md, p, sizeof(md));
		if (md.vers != FANOTIFY_METADATA_VERSION || md.event_len > len ||
		    md.metadata_len < sizeof(md) || md.metadata_len > md.event_len)
			return -1;
		memset(&ev, 0, sizeof(ev));
		ev.mask = md.mask;
		ev.pid = md.pid;
		ev.name = "";
		ev.overflow = (md.mask & FAN_Q_OVERFLOW) != 0;
		for (off = md.metadata_len; off < md.event_len;) {
			struct fanotify_event_info_header h;

			if (md.event_len - off < sizeof(h))
				return -1;
			memcpy(&h, p + off, sizeof(h));
			if (h.len < sizeof(h) || h.len > md.event_len - off)
				return -1;
			if (parse_info(p + off, h.len, &ev) < 0)
				return -1;
			off += h.len;
		}
		n++;
		if (fn(arg, &ev))
			return n;
		p += md.event_len;
		len -= md.event_len;
	}
	return len ? -1 : n;
}
