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

/* The small knowledge base in tests/fixtures/kb: every entry exists to
 * exercise one rule of docs/assessment.md, so rule tests do not change when
 * the real catalogue does (tests/unit/test_data.c checks data/ itself). */
#define TEST_FIXTURE_KB TEST_DATADIR "/../tests/fixtures/kb"

static inline void load_fixture_kb(struct kb *kb)
{
	struct kb_error error;
	if (kb_load(kb, TEST_FIXTURE_KB, &error) != 0)
		fail_msg("tests/fixtures/kb does not load: %s", error.message);
}

/* Loads the real texts in web/strings.json (beside data/) and fails the test if they do not load. */
static inline void load_real_texts(struct texts *texts)
{
	char error[TEXTS_ERROR_SIZE];
	if (texts_load(texts, TEST_DATADIR "/../web/strings.json", error, sizeof error) != 0)
		fail_msg("web/strings.json does not load: %s", error);
}

/* The real texts, loaded once for the whole test binary (still reachable at exit, never freed). */
static inline const struct texts *test_texts(void)
{
	static struct texts texts;
	static int loaded;
	if (!loaded) {
		load_real_texts(&texts);
		loaded = 1;
	}
	return &texts;
}

static inline int64_t parse_time(const char *text)
{
	int64_t t = 0;
	if (!rfc3339_parse(text, __builtin_strlen(text), &t))
		fail_msg("bad test time %s", text);
	return t;
}

#endif
