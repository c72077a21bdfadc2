/*
 * strbuf: a growable byte buffer with a hard size cap.
 *
 * The buffer always holds a terminating NUL after `len` bytes, so `buf` can
 * be used as a C string when the content has no NUL of its own. Growing past
 * `cap` fails cleanly (the content stays as it was) instead of allocating
 * without bound: every input meldwijzer reads has a limit.
 * The caller owns the buffer and frees it with strbuf_release().
 */
#ifndef MELDWIJZER_STRBUF_H
#define MELDWIJZER_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t cap;
	bool wipe; /* strbuf_init_wiped(): old bytes are wiped when the buffer grows and when released */
};

enum strbuf_status {
	STRBUF_OK = 0,
	STRBUF_TOO_LARGE = -1,
	STRBUF_NO_MEMORY = -2,
	STRBUF_READ_ERROR = -3,
};

void strbuf_init(struct strbuf *sb, size_t cap);
/* For text that carries a secret: never leaves a copy in freed memory. */
void strbuf_init_wiped(struct strbuf *sb, size_t cap);
void strbuf_release(struct strbuf *sb);
__attribute__((warn_unused_result)) int strbuf_add(struct strbuf *sb, const char *data, size_t len);
__attribute__((warn_unused_result)) int strbuf_addstr(struct strbuf *sb, const char *s);
/* Reads all of `stream` into the buffer; STRBUF_TOO_LARGE as soon as the cap is passed
 * (it stops reading there, so a huge or endless input cannot make it hang or grow). */
__attribute__((warn_unused_result)) int strbuf_read_stream(struct strbuf *sb, FILE *stream);
__attribute__((warn_unused_result)) int strbuf_read_file(struct strbuf *sb, const char *path);

#endif
