/*
 * SHA-256 (FIPS 180-4) for file fingerprints in findings, the quarantine
 * index and the incremental scan cache. Small and dependency-free so that
 * the scanner needs no crypto library.
 */
#ifndef MW_SHA256_H
#define MW_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct mw_sha256 {
	uint32_t h[8];
	uint64_t total;
	unsigned char block[64];
	size_t fill;
};

void mw_sha256_init(struct mw_sha256 *c);
void mw_sha256_update(struct mw_sha256 *c, const void *data, size_t n);
void mw_sha256_final(struct mw_sha256 *c, unsigned char out[32]);
/* One-shot digest as 64 lowercase hex digits plus NUL. */
void mw_sha256_hex(const void *data, size_t n, char out[65]);
void mw_sha256_tohex(const unsigned char d[32], char out[65]);
/*
 * Digest of the first cap bytes of fd (all of it when cap is 0), read with
 * pread from offset 0 so the fd's offset does not matter. How a finding's
 * file.sha256 is computed for a file larger than the scan's read cap: a
 * sparse 16 TiB file must not be read whole (issue 19, item 9).
 */
enum mw_err mw_sha256_fd_upto(int fd, uint64_t cap, char out[65]);

#endif
