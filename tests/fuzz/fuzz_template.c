/* libFuzzer target: the template compiler and renderer. The input is a
 * template (with one partial available); it renders against a fixed context
 * into a capped buffer. A compiled template must render or hit the cap. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *context;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!context) {
		json_error_t error;
		context = json_loads("{\"t\": {\"a\": \"<x>\", \"b\": \"y\"}, \"list\": [{\"name\": \"n1\"}, {\"name\": \"n2\", "
				     "\"list\": [1, 2.5, true, null]}], \"flag\": true, \"empty\": [], \"s\": \"&'\\\"\"}",
				     0, &error);
		if (!context)
			abort();
	}
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	const char *names[] = {"page", "part"};
	const char *texts[] = {text, "<{{name}}{{#list}}{{.}}{{/list}}>"};
	struct template_set *set;
	char error[RENDER_ERROR_SIZE];
	if (template_set_from_texts(&set, names, texts, 2, error) == 0) {
		struct strbuf out;
		strbuf_init(&out, 1u << 20);
		if (template_render(template_set_get(set, "page"), context, &out) != 0 && out.len < (1u << 19) && size < 4096)
			abort(); /* a failure below the cap would be a bug */
		strbuf_release(&out);
		template_set_free(set);
	} else if (error[0] == '\0') {
		abort();
	}
	free(text);
	return 0;
}
