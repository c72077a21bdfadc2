#define _DEFAULT_SOURCE /* explicit_bzero */
#include "strbuf.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

void strbuf_init(struct strbuf *sb, size_t cap)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
	sb->cap = cap;
	sb->wipe = false;
}

void strbuf_init_wiped(struct strbuf *sb, size_t cap)
{
	strbuf_init(sb, cap);
	sb->wipe = true;
}

void strbuf_release(struct strbuf *sb)
{
	bool wipe = sb->wipe;
	if (wipe && sb->buf)
		explicit_bzero(sb->buf, sb->alloc);
	free(sb->buf);
	strbuf_init(sb, sb->cap);
	sb->wipe = wipe;
}

/* Makes room for `extra` more bytes plus the terminating NUL. */
static int strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (extra > sb->cap || sb->len > sb->cap - extra)
		return STRBUF_TOO_LARGE;
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return STRBUF_OK;
	size_t alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	char *grown;
	if (sb->wipe) {
		/* no realloc: it could leave the old bytes in freed memory */
		grown = malloc(alloc);
		if (!grown)
			return STRBUF_NO_MEMORY;
		if (sb->buf) {
			memcpy(grown, sb->buf, sb->len + 1);
			explicit_bzero(sb->buf, sb->alloc);
			free(sb->buf);
		}
	} else {
		grown = realloc(sb->buf, alloc);
		if (!grown)
			return STRBUF_NO_MEMORY;
	}
	sb->buf = grown;
	sb->alloc = alloc;
	return STRBUF_OK;
}

int strbuf_add(struct strbuf *sb, const char *data, size_t len)
{
	int status = strbuf_grow(sb, len);
	if (status != STRBUF_OK)
		return status;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return STRBUF_OK;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_read_stream(struct strbuf *sb, FILE *stream)
{
	char chunk[8192];
	for (;;) {
		size_t got = fread(chunk, 1, sizeof chunk, stream);
		if (got) {
			int status = strbuf_add(sb, chunk, got);
			if (status != STRBUF_OK)
				return status;
		}
		if (got < sizeof chunk) {
			if (ferror(stream))
				return STRBUF_READ_ERROR;
			break;
		}
	}
	if (!sb->buf)
		return strbuf_add(sb, "", 0);
	return STRBUF_OK;
}

int strbuf_read_file(struct strbuf *sb, const char *path)
{
	FILE *stream = fopen(path, "rb");
	if (!stream)
		return STRBUF_READ_ERROR;
	int status = strbuf_read_stream(sb, stream);
	fclose(stream);
	return status;
}
