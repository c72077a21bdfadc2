/* libFuzzer target: the catalogue loader. The first byte picks which of the
 * three files the input replaces; the other two are the real ones, so the
 * fuzzer reaches the validation of each file, not only the JSON parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "strbuf.h"

static struct strbuf files[3];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const char *const names[3] = {TEST_DATADIR "/channels.json", TEST_DATADIR "/signals.json",
					     TEST_DATADIR "/ilo_indicators.json"};
	for (int i = 0; i < 3; i++) {
		strbuf_init(&files[i], 4u << 20);
		if (strbuf_read_file(&files[i], names[i]) != STRBUF_OK)
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int which = data[0] % 3;
	const char *texts[3];
	size_t lengths[3];
	for (int i = 0; i < 3; i++) {
		texts[i] = files[i].buf;
		lengths[i] = files[i].len;
	}
	texts[which] = (const char *)data + 1;
	lengths[which] = size - 1;
	struct kb kb;
	struct kb_error error;
	if (kb_load_texts(&kb, texts[0], lengths[0], texts[1], lengths[1], texts[2], lengths[2], &error) == 0) {
		/* whatever loads must be usable */
		for (size_t i = 0; i < kb.signal_count; i++) {
			if (kb_signal_index(&kb, kb.signals[i].id) != (long)i)
				abort();
		}
	} else if (error.message[0] == '\0') {
		abort(); /* every refusal must say why */
	}
	kb_release(&kb);
	return 0;
}
