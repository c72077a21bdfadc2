/*
 * fnv: FNV-1a over bytes, 64 bits. A fast, well-spread hash for tables and
 * content fingerprints (ETags, the page cache's slots); not a security
 * measure: anyone can make two inputs with the same value, so a user of it
 * must compare the input itself where a collision would matter.
 */
#ifndef MELDWIJZER_FNV_H
#define MELDWIJZER_FNV_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t fnv1a_64(const char *data, size_t len)
{
	uint64_t hash = 14695981039346656037u;
	for (size_t i = 0; i < len; i++) {
		hash ^= (unsigned char)data[i];
		hash *= 1099511628211u;
	}
	return hash;
}

#endif
