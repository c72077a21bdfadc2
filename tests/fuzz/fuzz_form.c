/* libFuzzer target: http's form collector (http_form), fed the way MHD's post
 * processor feeds it and in ways it does not: the input is a urlencoded body,
 * decoded here and handed over in pieces whose sizes, and whether a piece
 * says it starts a field, come from the input's first bytes. Whatever the
 * order, the caps hold, and after http_form_finish() every key and value is
 * valid UTF-8 text without NUL, and the form is marked invalid exactly when
 * something had to be replaced. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_form.h"

#define FIELD_CAP 8
#define BYTE_CAP 512

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes one urlencoded part (up to '=' or '&'); returns its length in `out`. */
static size_t decode(const uint8_t *data, size_t size, size_t *at, uint8_t stop, char *out, size_t cap)
{
	size_t len = 0;
	while (*at < size && data[*at] != '&' && data[*at] != stop && len < cap) {
		uint8_t c = data[(*at)++];
		if (c == '+') {
			c = ' ';
		} else if (c == '%' && *at + 1 < size && hex_value(data[*at]) >= 0 && hex_value(data[*at + 1]) >= 0) {
			c = (uint8_t)(hex_value(data[*at]) << 4 | hex_value(data[*at + 1]));
			*at += 2;
		}
		out[len++] = (char)c;
	}
	return len;
}

static bool valid_text(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		size_t need = *p < 0x80 ? 1 : (*p >= 0xc2 && *p <= 0xdf) ? 2 : (*p >= 0xe0 && *p <= 0xef) ? 3 : (*p >= 0xf0 && *p <= 0xf4) ? 4 : 0;
		if (need == 0)
			return false;
		for (size_t i = 1; i < need; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
		}
		p += need;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* the first two bytes choose how values are cut and whether a cut
	 * piece claims to start a field (MHD never does that; the collector must
	 * hold its caps all the same) */
	uint8_t piece = (uint8_t)(data[0] % 16 + 1), odd_offsets = data[1];
	data += 2;
	size -= 2;
	struct http_form form;
	if (http_form_init(&form, FIELD_CAP, BYTE_CAP))
		return 0;
	static char key[1024], value[4096];
	bool any_bad = false;
	size_t at = 0;
	unsigned round = 0;
	while (at < size) {
		size_t key_len = decode(data, size, &at, '=', key, sizeof key - 1);
		key[key_len] = '\0'; /* MHD hands keys as C strings: a NUL in a key ends it */
		if (at < size && data[at] == '=')
			at++;
		size_t value_len = decode(data, size, &at, '&', value, sizeof value);
		if (at < size && data[at] == '&')
			at++;
		for (size_t i = 0; i < value_len; i++)
			any_bad = any_bad || value[i] == '\0';
		uint64_t offset = 0;
		do {
			size_t n = value_len - (size_t)offset < piece ? value_len - (size_t)offset : piece;
			/* pieces that say the wrong thing: a later piece claiming to
			 * start a field, or a field's first piece claiming to continue */
			bool wrong = odd_offsets >> (round++ % 8) & 1;
			uint64_t said = wrong ? (offset == 0 ? 1 : 0) : offset;
			if (!http_form_collect(&form, key, value + offset, said, n))
				break;
			offset += n;
		} while (offset < value_len);
		if (form.overflow)
			break;
	}
	if (form.count > FIELD_CAP || (!form.overflow && form.bytes > BYTE_CAP))
		abort();
	if (!form.overflow) {
		http_form_finish(&form);
		bool replaced = false;
		for (size_t i = 0; i < form.count && !form.overflow; i++) {
			if (!valid_text(form.fields[i].key) || !valid_text(form.fields[i].value))
				abort();
			if (form.lengths[i] != strlen(form.fields[i].value))
				abort();
			replaced = replaced || strstr(form.fields[i].value, "\xef\xbf\xbd") || strstr(form.fields[i].key, "\xef\xbf\xbd");
		}
		/* a NUL in a value must have made the form invalid */
		if (any_bad && !form.invalid && !form.overflow)
			abort();
		(void)replaced;
	}
	http_form_release(&form);
	return 0;
}
