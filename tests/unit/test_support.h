/* Shared helpers for the cmocka unit tests. */
#ifndef MELDWIJZER_TEST_SUPPORT_H
#define MELDWIJZER_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "kb.h"
#include "texts.h"
#include "timefmt.h"

/* Loads the real knowledge base in data/ and fails the test if it does not load. */
static inline void load_real_kb(struct kb *kb)
{
	struct kb_error error;
	if (kb_load(kb, TEST_DATADIR, &error) != 0)
		fail_msg("data/ does not load: %s", error.message);
}

/* Loads the real texts in web/strings.json (beside data/) and fails the test if they do not load. */
static inline void load_real_texts(struct texts *texts)
{
	char error[TEXTS_ERROR_SIZE];
	if (texts_load(texts, TEST_DATADIR "/../web/strings.json", error, sizeof error) != 0)
		fail_msg("web/strings.json does not load: %s", error);
}

static inline int64_t parse_time(const char *text)
{
	int64_t t = 0;
	if (!rfc3339_parse(text, __builtin_strlen(text), &t))
		fail_msg("bad test time %s", text);
	return t;
}

#endif
