#include "utf8.h"

#include <string.h>

size_t utf8_sequence_length(const unsigned char *text, size_t len)
{
	unsigned char c = text[0];
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	size_t need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (need == 0 || need > len)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((text[i] & 0xc0) != 0x80)
			return 0;
	}
	/* overlong three- and four-byte forms, surrogates, beyond U+10FFFF */
	if ((c == 0xe0 && text[1] < 0xa0) || (c == 0xed && text[1] > 0x9f) || (c == 0xf0 && text[1] < 0x90) ||
	    (c == 0xf4 && text[1] > 0x8f))
		return 0;
	return need;
}

bool utf8_is_text(const char *text, size_t len)
{
	for (size_t i = 0, n; i < len; i += n) {
		if ((n = utf8_sequence_length((const unsigned char *)text + i, len - i)) == 0)
			return false;
	}
	return true;
}

size_t utf8_repair(const char *text, size_t len, char *out, bool *replaced)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_sequence_length((const unsigned char *)text + i, len - i);
		if (n == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			*replaced = true;
		} else {
			memcpy(out + o, text + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return o;
}
