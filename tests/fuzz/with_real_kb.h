/*
 * For the fuzz targets that run against the real knowledge base: loads data/
 * once, before the first input, into `kb`, and web/strings.json into `texts`. Each fuzz target is a translation
 * unit of its own, so this header defines rather than declares.
 */
#ifndef MELDWIJZER_FUZZ_WITH_REAL_KB_H
#define MELDWIJZER_FUZZ_WITH_REAL_KB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kb.h"
#include "texts.h"

static struct kb kb;
static struct texts texts;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct kb_error error;
	if (kb_load(&kb, TEST_DATADIR, &error)) {
		fprintf(stderr, "%s\n", error.message);
		abort();
	}
	char texts_error[TEXTS_ERROR_SIZE];
	if (texts_load(&texts, TEST_DATADIR "/../web/strings.json", texts_error, sizeof texts_error)) {
		fprintf(stderr, "%s\n", texts_error);
		abort();
	}
	return 0;
}

#endif
