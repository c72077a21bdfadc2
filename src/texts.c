#include "texts.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int texts_load(struct texts *texts, const char *path, char *error, size_t error_size)
{
	memset(texts, 0, sizeof *texts);
	int status = -1;
	json_error_t json_error;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &json_error);
	if (!doc) {
		snprintf(error, error_size, "%.200s: line %d: %s", path, json_error.line, json_error.text);
		goto done;
	}
	json_t *strings = json_object_get(doc, "strings");
	if (!json_is_object(strings)) {
		snprintf(error, error_size, "%.200s: field \"strings\" must be an object", path);
		goto done;
	}
	for (int l = 0; l < KB_LANG_COUNT; l++) {
		texts->by_lang[l] = json_object();
		if (!texts->by_lang[l]) {
			snprintf(error, error_size, "%.200s: out of memory", path);
			goto done;
		}
	}
	const char *key;
	json_t *entry;
	json_object_foreach(strings, key, entry) {
		/* exactly one text per language: no fallback, and no stray language a reader might take for one */
		if (!json_is_object(entry) || json_object_size(entry) != KB_LANG_COUNT) {
			snprintf(error, error_size, "%.200s: string \"%.60s\" needs exactly \"nl\" and \"en\" texts", path, key);
			goto done;
		}
		for (int l = 0; l < KB_LANG_COUNT; l++) {
			json_t *text = json_object_get(entry, kb_lang_id((enum kb_lang)l));
			if (!json_is_string(text) || json_string_length(text) == 0) {
				snprintf(error, error_size, "%.200s: string \"%.60s\" needs exactly \"nl\" and \"en\" texts",
					 path, key);
				goto done;
			}
			if (json_object_set(texts->by_lang[l], key, text) != 0) {
				snprintf(error, error_size, "%.200s: out of memory", path);
				goto done;
			}
		}
	}
	status = 0;
done:
	json_decref(doc);
	if (status != 0)
		texts_release(texts);
	return status;
}

const char *texts_get(const struct texts *texts, enum kb_lang lang, const char *key)
{
	if ((int)lang < 0 || lang >= KB_LANG_COUNT)
		return key;
	const char *value = json_string_value(json_object_get(texts->by_lang[lang], key));
	return value ? value : key;
}

json_t *texts_json(const struct texts *texts, enum kb_lang lang)
{
	return (int)lang >= 0 && lang < KB_LANG_COUNT ? texts->by_lang[lang] : NULL;
}

/* The length of the mark "{name}" that starts at `p` (name: a-z, 0-9, _), or 0 when none does. */
static size_t mark_length(const char *p)
{
	if (*p != '{')
		return 0;
	size_t len = 1;
	while ((p[len] >= 'a' && p[len] <= 'z') || (p[len] >= '0' && p[len] <= '9') || p[len] == '_')
		len++;
	return len > 1 && p[len] == '}' ? len + 1 : 0;
}

/* Whether the mark at `mark` (length `len`) is one of `marks` ("{a}{b}"). */
static bool mark_listed(const char *marks, const char *mark, size_t len)
{
	for (const char *p = marks; p && *p; p++) {
		size_t listed = mark_length(p);
		if (listed == len && memcmp(p, mark, len) == 0)
			return true;
	}
	return false;
}

int texts_require(const struct texts *texts, const struct texts_need *needs, size_t count, char *error,
		  size_t error_size)
{
	for (size_t i = 0; i < count; i++) {
		const struct texts_need *need = &needs[i];
		for (int l = 0; l < KB_LANG_COUNT; l++) {
			const char *lang = kb_lang_id((enum kb_lang)l);
			const char *text = json_string_value(json_object_get(texts->by_lang[l], need->key));
			if (!text) {
				snprintf(error, error_size, "string \"%.60s\" is missing in \"%s\"", need->key, lang);
				return -1;
			}
			for (const char *p = need->marks; p && *p; p++) {
				size_t len = mark_length(p);
				if (len == 0)
					continue;
				bool found = false;
				for (const char *q = strchr(text, '{'); q && !found; q = strchr(q + 1, '{'))
					found = mark_length(q) == len && memcmp(q, p, len) == 0;
				if (!found) {
					snprintf(error, error_size, "string \"%.60s\" in \"%s\" lacks the mark %.*s", need->key,
						 lang, (int)len, p);
					return -1;
				}
			}
			/* a mark nobody fills in would reach the user as "{klok}" */
			for (const char *q = strchr(text, '{'); q; q = strchr(q + 1, '{')) {
				size_t len = mark_length(q);
				if (len && !mark_listed(need->marks, q, len)) {
					snprintf(error, error_size, "string \"%.60s\" in \"%s\" has the unknown mark %.*s",
						 need->key, lang, (int)len, q);
					return -1;
				}
			}
		}
	}
	return 0;
}

/* Appends `len` bytes of `src`; when they do not fit, as many whole UTF-8
 * characters as fit, and returns false. */
static bool append(char *out, size_t size, size_t *used, const char *src, size_t len)
{
	size_t room = size - 1 - *used;
	bool fits = len <= room;
	if (!fits) {
		len = room;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out + *used, src, len);
	*used += len;
	out[*used] = '\0';
	return fits;
}

int texts_fill(char *out, size_t size, const char *text, ...)
{
	if (size == 0)
		return -1;
	size_t used = 0;
	bool fits = true;
	out[0] = '\0';
	const char *p = text;
	while (*p && fits) {
		size_t len = mark_length(p);
		const char *value = NULL;
		if (len) {
			va_list ap;
			va_start(ap, text);
			for (const char *mark = va_arg(ap, const char *); mark && !value; mark = va_arg(ap, const char *)) {
				const char *candidate = va_arg(ap, const char *);
				if (strlen(mark) == len && memcmp(mark, p, len) == 0)
					value = candidate ? candidate : "";
			}
			va_end(ap);
		}
		if (value) {
			fits = append(out, size, &used, value, strlen(value));
			p += len;
		} else {
			/* up to the next possible mark */
			const char *next = strchr(p + 1, '{');
			size_t plain = next ? (size_t)(next - p) : strlen(p);
			fits = append(out, size, &used, p, plain);
			p += plain;
		}
	}
	return fits ? 0 : -1;
}

void texts_release(struct texts *texts)
{
	for (int l = 0; l < KB_LANG_COUNT; l++)
		json_decref(texts->by_lang[l]);
	memset(texts, 0, sizeof *texts);
}
