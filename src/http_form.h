/*
 * http_form: the collector behind http's form parser. libmicrohttpd's post
 * processor decodes an application/x-www-form-urlencoded body and hands each
 * value over in pieces; this keeps them byte for byte, within caps, and once
 * the body is complete checks that every key and value is UTF-8 text.
 *
 * Internal to http (http.c feeds it from MHD's callback); its own header so
 * that tests and the fuzz target (tests/fuzz/fuzz_form.c) can drive it with
 * any sequence of pieces, including ones MHD would not produce.
 */
#ifndef MELDWIJZER_HTTP_FORM_H
#define MELDWIJZER_HTTP_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

struct http_form {
	struct http_field *fields; /* owned strings (freed by http_form_release) */
	size_t *lengths;           /* of each value: until finished a value may hold NUL bytes */
	size_t count, cap;         /* fields made, and at most */
	size_t bytes, byte_cap;    /* key and value bytes so far, and at most */
	bool overflow;             /* over a cap, or out of memory: the form must be refused */
	bool invalid;              /* a key or value was not UTF-8 text (NUL included) */
};

/* 0, or -1 when out of memory. */
__attribute__((warn_unused_result)) int http_form_init(struct http_form *form, size_t field_cap, size_t byte_cap);
/* One piece of a value: `offset` 0 starts a field, a piece with another key
 * than the last field's starts one too. false once the form has overflowed
 * (then the rest is not collected). */
bool http_form_collect(struct http_form *form, const char *key, const char *data, uint64_t offset, size_t size);
/* Once the body is in: a key or value that is not UTF-8 text marks the form
 * invalid, and its bad bytes (NUL included) become U+FFFD, so that what was
 * typed can be shown back but never reaches storage as it was. Afterwards
 * every key and value is a NUL-terminated string of valid UTF-8. */
void http_form_finish(struct http_form *form);
void http_form_release(struct http_form *form);

#endif
