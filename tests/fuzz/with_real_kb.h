/*
 * For the fuzz targets that run against the real knowledge base: loads data/
 * once, before the first input, into `kb`. Each fuzz target is a translation
 * unit of its own, so this header defines rather than declares.
 */
#ifndef MELDWIJZER_FUZZ_WITH_REAL_KB_H
#define MELDWIJZER_FUZZ_WITH_REAL_KB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kb.h"

static struct kb kb;

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
	return 0;
}

#endif
