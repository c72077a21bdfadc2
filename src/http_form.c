/* http_form: see http_form.h. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "http_form.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* Form values can be passwords, activation codes, TOTP secrets, report text: every copy is wiped before
 * it is freed, and values grow without realloc, which could leave the old bytes behind. */
static void free_wiped(char *text, size_t len)
{
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
}

int http_form_init(struct http_form *form, size_t field_cap, size_t byte_cap)
{
	memset(form, 0, sizeof *form);
	form->cap = field_cap;
	form->byte_cap = byte_cap;
	form->fields = calloc(field_cap ? field_cap : 1, sizeof *form->fields);
	form->lengths = calloc(field_cap ? field_cap : 1, sizeof *form->lengths);
	if (!form->fields || !form->lengths) {
		http_form_release(form);
		return -1;
	}
	return 0;
}

/* Values are kept byte for byte (with their length: %00 must not cut them
 * short) and checked once the body is complete (http_form_finish). */
bool http_form_collect(struct http_form *form, const char *key, const char *data, uint64_t offset, size_t size)
{
	if (form->overflow)
		return false;
	bool starts = offset == 0 || form->count == 0 || strcmp(form->fields[form->count - 1].key, key) != 0;
	form->bytes += size + (starts ? strlen(key) : 0);
	/* the field cap is checked where a field is made, whatever the offset
	 * says: MHD starts a field at offset 0, but the array's bound must not
	 * rest on that */
	if (form->bytes > form->byte_cap || (starts && form->count == form->cap)) {
		form->overflow = true;
		return false;
	}
	size_t index;
	if (starts) {
		index = form->count++;
		form->fields[index].key = strdup(key);
		form->fields[index].value = calloc(1, 1);
		form->lengths[index] = 0;
		if (!form->fields[index].key || !form->fields[index].value) {
			form->overflow = true;
			return false;
		}
	} else {
		index = form->count - 1;
	}
	size_t old = form->lengths[index];
	char *grown = malloc(old + size + 1);
	if (!grown) {
		form->overflow = true;
		return false;
	}
	memcpy(grown, form->fields[index].value, old);
	free_wiped((char *)form->fields[index].value, old + 1);
	if (size)
		memcpy(grown + old, data, size);
	grown[old + size] = '\0';
	form->fields[index].value = grown;
	form->lengths[index] = old + size;
	return true;
}

/* `text` with every byte that is not part of valid UTF-8 (and every NUL)
 * replaced by U+FFFD, in a new string; sets *replaced. NULL when out of memory. */
static char *utf8_repaired(const char *text, size_t len, bool *replaced)
{
	char *out = malloc(3 * len + 1);
	if (out)
		utf8_repair(text, len, out, replaced);
	return out;
}

void http_form_finish(struct http_form *form)
{
	for (size_t i = 0; i < form->count; i++) {
		struct http_field *field = &form->fields[i];
		bool replaced = false;
		char *value = utf8_repaired(field->value, form->lengths[i], &replaced);
		char *key = utf8_repaired(field->key, strlen(field->key), &replaced);
		if (!value || !key) {
			free_wiped(value, value ? strlen(value) : 0);
			free_wiped(key, key ? strlen(key) : 0);
			form->overflow = true; /* out of memory: refused like an oversized form */
			return;
		}
		if (replaced)
			form->invalid = true;
		free_wiped((char *)field->value, form->lengths[i] + 1);
		free_wiped((char *)field->key, strlen(field->key));
		field->value = value;
		field->key = key;
		form->lengths[i] = strlen(value);
	}
}

void http_form_release(struct http_form *form)
{
	for (size_t i = 0; form->fields && i < form->count; i++) {
		if (form->fields[i].key)
			free_wiped((char *)form->fields[i].key, strlen(form->fields[i].key));
		if (form->fields[i].value)
			free_wiped((char *)form->fields[i].value, form->lengths[i] + 1);
	}
	free(form->fields);
	free(form->lengths);
	form->fields = NULL;
	form->lengths = NULL;
	form->count = 0;
}
