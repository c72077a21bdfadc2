/* libFuzzer target: the reader of online reports (the API's JSON body). */
#include "with_real_kb.h"

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_input input;
	char error[REPORT_ERROR_SIZE];
	if (report_input_from_json(&kb, (const char *)data, size, &input, error) == 0) {
		/* whatever is accepted has the required text */
		json_t *what = json_object_get(input.fields, "what");
		if (!json_is_string(what) || json_string_length(what) == 0 || json_string_length(what) > REPORT_WHAT_CAP)
			abort();
		report_input_release(&input);
	} else if (error[0] == '\0') {
		abort();
	}
	return 0;
}
