#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <string.h>
#include <unistd.h>

#include "config.h"
#include "render.h"

static char *render_text(const char *template_text, const char *context_json)
{
	const char *names[] = {"page", "part"};
	const char *texts[] = {template_text, "[{{name}}]"};
	struct template_set *set;
	char error[RENDER_ERROR_SIZE];
	if (template_set_from_texts(&set, names, texts, 2, error))
		fail_msg("does not compile: %s", error);
	json_error_t json_error;
	json_t *context = json_loads(context_json, 0, &json_error);
	assert_non_null(context);
	struct strbuf out;
	strbuf_init(&out, 1u << 16);
	assert_int_equal(template_render(template_set_get(set, "page"), context, &out), 0);
	json_decref(context);
	template_set_free(set);
	char *result = strdup(out.buf ? out.buf : "");
	strbuf_release(&out);
	return result;
}

static void expect(const char *template_text, const char *context_json, const char *expected)
{
	char *result = render_text(template_text, context_json);
	if (strcmp(result, expected) != 0)
		fail_msg("%s with %s gave \"%s\", expected \"%s\"", template_text, context_json, result, expected);
	free(result);
}

static void test_values_are_escaped_unless_raw(void **state)
{
	(void)state;
	expect("<p>{{x}}</p>", "{\"x\": \"<script>alert('1')&\\\"\"}",
	       "<p>&lt;script&gt;alert(&#39;1&#39;)&amp;&quot;</p>");
	expect("{{{x}}}", "{\"x\": \"<b>ok</b>\"}", "<b>ok</b>");
	expect("{{a.b.c}}|{{missing}}|{{n}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}, \"n\": 42}", "deep||42");
	expect("{{! a comment }}x", "{}", "x");
}

static void test_sections_lists_and_inverse(void **state)
{
	(void)state;
	expect("{{#items}}<{{name}}>{{/items}}", "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", "<a><b>");
	expect("{{#items}}{{.}},{{/items}}", "{\"items\": [\"x\", \"y\"]}", "x,y,");
	expect("{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}", "{\"flag\": false}", "no");
	expect("{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}", "{\"flag\": true}", "yes");
	expect("{{#list}}x{{/list}}{{^list}}empty{{/list}}", "{\"list\": []}", "empty");
	expect("{{#s}}[{{.}}]{{/s}}", "{\"s\": \"\"}", "");
	/* names are looked up from the innermost section outwards */
	expect("{{#items}}{{name}}-{{outer}};{{/items}}", "{\"outer\": \"o\", \"items\": [{\"name\": \"a\"}]}", "a-o;");
	expect("{{#items}}{{>part}}{{/items}}", "{\"items\": [{\"name\": \"p\"}]}", "[p]");
}

static void test_compile_errors_name_template_and_line(void **state)
{
	(void)state;
	static const struct {
		const char *text, *expected;
	} cases[] = {
		{"a\n{{#open}}", "template page, line 2: {{#open}} is never closed"},
		{"{{/x}}", "closes nothing"},
		{"{{#a}}{{/b}}", "{{/b}} closes {{#a}}"},
		{"{{unclosed", "tag without closing braces"},
		{"{{>nothing}}", "no partial \"nothing\""},
		{"{{bad name}}", "is not a valid name"},
		{"{{>page}}", "includes itself"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *names[] = {"page"};
		const char *texts[] = {cases[i].text};
		struct template_set *set = NULL;
		char error[RENDER_ERROR_SIZE] = "";
		assert_int_equal(template_set_from_texts(&set, names, texts, 1, error), -1);
		assert_null(set);
		if (!strstr(error, cases[i].expected))
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].text, error, cases[i].expected);
	}
}

static void test_output_cap_fails_cleanly(void **state)
{
	(void)state;
	const char *names[] = {"page"};
	const char *texts[] = {"{{#items}}0123456789{{/items}}"};
	struct template_set *set;
	char error[RENDER_ERROR_SIZE];
	assert_int_equal(template_set_from_texts(&set, names, texts, 1, error), 0);
	json_t *items = json_array();
	for (int i = 0; i < 100; i++)
		json_array_append_new(items, json_true());
	json_t *context = json_pack("{s:o}", "items", items);
	struct strbuf out;
	strbuf_init(&out, 500);
	assert_int_equal(template_render(template_set_get(set, "page"), context, &out), -1);
	assert_true(out.len <= 500);
	strbuf_release(&out);
	json_decref(context);
	template_set_free(set);
}

static void test_config_file_and_listen(void **state)
{
	(void)state;
	struct server_config config;
	char error[CONFIG_ERROR_SIZE];
	config_defaults(&config, "web");
	assert_string_equal(config.listen_host, "127.0.0.1");
	assert_int_equal(config.port, 8080);
	assert_int_equal(config_set_listen(&config, "[::1]:9090", error), 0);
	assert_string_equal(config.listen_host, "::1");
	assert_int_equal(config.port, 9090);
	assert_int_equal(config_set_listen(&config, "localhost", error), -1);
	assert_int_equal(config_set_listen(&config, "127.0.0.1:70000", error), -1);
	assert_non_null(strstr(error, "is not ADDRESS:PORT"));

	char path[] = "/tmp/meldwijzer-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *file = fdopen(fd, "w");
	fputs("[server]\npublic_base_url = https://example.org/\nworkers = 12\n[limits]\nbody_bytes = 9000\nfields = 7\n",
	      file);
	fclose(file);
	assert_int_equal(config_load_file(&config, path, error), 0);
	assert_string_equal(config.public_base_url, "https://example.org");
	assert_int_equal(config.workers, 12);
	assert_int_equal(config.body_bytes, 9000);
	assert_int_equal(config.fields, 7);
	file = fopen(path, "w");
	fputs("[limits]\nfields = 7\nbody_bytes = lots\n", file);
	fclose(file);
	assert_int_equal(config_load_file(&config, path, error), -1);
	assert_non_null(strstr(error, "line 3: bad value for limits.body_bytes"));
	file = fopen(path, "w");
	fputs("[server]\nworkers = 65\n", file); /* more than CONFIG_MAX_WORKERS */
	fclose(file);
	assert_int_equal(config_load_file(&config, path, error), -1);
	assert_non_null(strstr(error, "line 2: bad value for server.workers"));
	file = fopen(path, "w");
	fputs("[server]\nlisten_adress = 1\n", file);
	fclose(file);
	assert_int_equal(config_load_file(&config, path, error), -1);
	assert_non_null(strstr(error, "line 2: unknown setting server.listen_adress"));
	unlink(path);
	assert_int_equal(config_load_file(&config, "/nonexistent/meldwijzer.ini", error), -1);
	assert_non_null(strstr(error, "cannot be read"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_are_escaped_unless_raw),
		cmocka_unit_test(test_sections_lists_and_inverse),
		cmocka_unit_test(test_compile_errors_name_template_and_line),
		cmocka_unit_test(test_output_cap_fails_cleanly),
		cmocka_unit_test(test_config_file_and_listen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
