#define _POSIX_C_SOURCE 200809L
#include "render.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEMPLATES 64
#define MAX_NODES 20000
#define MAX_DEPTH 32
#define MAX_PARTIAL_DEPTH 8
#define TEMPLATE_FILE_CAP (256u * 1024u)

enum node_kind { NODE_TEXT, NODE_VALUE, NODE_RAW, NODE_SECTION, NODE_INVERTED };

struct node {
	enum node_kind kind;
	const char *text; /* NODE_TEXT: the text; otherwise the name */
	size_t len;
	size_t end;       /* sections: index of the first node after the section */
};

struct template {
	char *name;
	char *source;     /* owned; nodes point into it */
	struct node *nodes;
	size_t node_count;
	bool compiled;
	bool compiling;   /* to find partials that include themselves */
};

struct template_set {
	struct template templates[MAX_TEMPLATES];
	size_t count;
};

struct compiler {
	struct template_set *set;
	struct template *target;
	size_t alloc;
	char *error;
};

__attribute__((format(printf, 4, 5))) static int compile_error(struct compiler *c, const char *template_name,
								 size_t line, const char *fmt, ...)
{
	char problem[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof problem, fmt, ap);
	va_end(ap);
	snprintf(c->error, RENDER_ERROR_SIZE, "template %s, line %zu: %s", template_name, line, problem);
	return -1;
}

static int push_node(struct compiler *c, struct node node)
{
	struct template *t = c->target;
	if (t->node_count >= MAX_NODES)
		return -1;
	if (t->node_count == c->alloc) {
		size_t alloc = c->alloc ? c->alloc * 2 : 64;
		struct node *grown = realloc(t->nodes, alloc * sizeof *grown);
		if (!grown)
			return -1;
		t->nodes = grown;
		c->alloc = alloc;
	}
	t->nodes[t->node_count++] = node;
	return 0;
}

static size_t line_of(const char *source, const char *at)
{
	size_t line = 1;
	for (const char *p = source; p < at; p++)
		line += *p == '\n';
	return line;
}

static bool valid_name(const char *name, size_t len)
{
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		      ch == '.' || ch == '-'))
			return false;
	}
	return true;
}

static struct template *find_template(struct template_set *set, const char *name, size_t len)
{
	for (size_t i = 0; i < set->count; i++) {
		if (strlen(set->templates[i].name) == len && memcmp(set->templates[i].name, name, len) == 0)
			return &set->templates[i];
	}
	return NULL;
}

static int compile_into(struct compiler *c, struct template *source_template, int partial_depth);

/* Copies a compiled partial's nodes into the target, shifting section ends. */
static int include_partial(struct compiler *c, struct template *partial, int partial_depth, const char *at_name,
			   size_t line)
{
	if (partial_depth >= MAX_PARTIAL_DEPTH || partial->compiling)
		return compile_error(c, at_name, line, "partial \"%s\" includes itself", partial->name);
	return compile_into(c, partial, partial_depth + 1);
}

static int compile_into(struct compiler *c, struct template *source_template, int partial_depth)
{
	const char *source = source_template->source;
	const char *name = source_template->name;
	size_t open_sections[MAX_DEPTH];
	size_t depth = 0;
	const char *p = source;
	source_template->compiling = true;
	int result = -1;
	while (*p) {
		const char *tag = strstr(p, "{{");
		const char *text_end = tag ? tag : p + strlen(p);
		if (text_end > p && push_node(c, (struct node){NODE_TEXT, p, (size_t)(text_end - p), 0}))
			goto out_of_room;
		if (!tag)
			break;
		size_t line = line_of(source, tag);
		bool triple = tag[2] == '{';
		const char *inner = tag + (triple ? 3 : 2);
		const char *close = strstr(inner, triple ? "}}}" : "}}");
		if (!close) {
			compile_error(c, name, line, "tag without closing braces");
			goto done;
		}
		p = close + (triple ? 3 : 2);
		char sigil = triple ? '{' : *inner;
		if (!triple && (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>' || sigil == '!'))
			inner++;
		while (inner < close && *inner == ' ')
			inner++;
		const char *inner_end = close;
		while (inner_end > inner && inner_end[-1] == ' ')
			inner_end--;
		size_t len = (size_t)(inner_end - inner);
		if (sigil == '!')
			continue;
		if (!valid_name(inner, len)) {
			compile_error(c, name, line, "\"%.*s\" is not a valid name", (int)(len > 40 ? 40 : len), inner);
			goto done;
		}
		if (sigil == '>') {
			struct template *partial = find_template(c->set, inner, len);
			if (!partial) {
				compile_error(c, name, line, "no partial \"%.*s\"", (int)len, inner);
				goto done;
			}
			if (include_partial(c, partial, partial_depth, name, line))
				goto done;
			continue;
		}
		if (sigil == '#' || sigil == '^') {
			if (depth == MAX_DEPTH) {
				compile_error(c, name, line, "sections nested deeper than %d", MAX_DEPTH);
				goto done;
			}
			open_sections[depth++] = c->target->node_count;
			if (push_node(c, (struct node){sigil == '#' ? NODE_SECTION : NODE_INVERTED, inner, len, 0}))
				goto out_of_room;
			continue;
		}
		if (sigil == '/') {
			if (depth == 0) {
				compile_error(c, name, line, "{{/%.*s}} closes nothing", (int)len, inner);
				goto done;
			}
			struct node *opened = &c->target->nodes[open_sections[--depth]];
			if (opened->len != len || memcmp(opened->text, inner, len) != 0) {
				compile_error(c, name, line, "{{/%.*s}} closes {{#%.*s}}", (int)len, inner, (int)opened->len,
					      opened->text);
				goto done;
			}
			opened->end = c->target->node_count;
			continue;
		}
		if (push_node(c, (struct node){triple ? NODE_RAW : NODE_VALUE, inner, len, 0}))
			goto out_of_room;
	}
	if (depth) {
		struct node *opened = &c->target->nodes[open_sections[depth - 1]];
		compile_error(c, name, line_of(source, opened->text), "{{#%.*s}} is never closed", (int)opened->len,
			      opened->text);
		goto done;
	}
	result = 0;
	goto done;
out_of_room:
	compile_error(c, name, line_of(source, p), "too large (more than %d parts, or out of memory)", MAX_NODES);
done:
	source_template->compiling = false;
	return result;
}

void template_set_free(struct template_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++) {
		free(set->templates[i].name);
		free(set->templates[i].source);
		free(set->templates[i].nodes);
	}
	free(set);
}

static int compile_all(struct template_set *set, char error[RENDER_ERROR_SIZE])
{
	for (size_t i = 0; i < set->count; i++) {
		struct compiler c = {set, &set->templates[i], 0, error};
		if (compile_into(&c, &set->templates[i], 0))
			return -1;
		set->templates[i].compiled = true;
	}
	return 0;
}

static int add_template(struct template_set *set, const char *name, size_t name_len, const char *text, size_t len,
			char error[RENDER_ERROR_SIZE])
{
	if (set->count == MAX_TEMPLATES) {
		snprintf(error, RENDER_ERROR_SIZE, "more than %d templates", MAX_TEMPLATES);
		return -1;
	}
	if (!valid_name(name, name_len) || find_template(set, name, name_len)) {
		snprintf(error, RENDER_ERROR_SIZE, "template name \"%.*s\" is invalid or used twice",
			 (int)(name_len > 60 ? 60 : name_len), name);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		snprintf(error, RENDER_ERROR_SIZE, "template %.*s holds a NUL byte", (int)name_len, name);
		return -1;
	}
	struct template *t = &set->templates[set->count];
	memset(t, 0, sizeof *t);
	t->name = strndup(name, name_len);
	t->source = malloc(len + 1);
	if (!t->name || !t->source) {
		free(t->name);
		free(t->source);
		snprintf(error, RENDER_ERROR_SIZE, "out of memory");
		return -1;
	}
	memcpy(t->source, text, len);
	t->source[len] = '\0';
	set->count++;
	return 0;
}

int template_set_from_texts(struct template_set **out, const char *const *names, const char *const *texts,
			    size_t count, char error[RENDER_ERROR_SIZE])
{
	struct template_set *set = calloc(1, sizeof *set);
	*out = NULL;
	if (!set) {
		snprintf(error, RENDER_ERROR_SIZE, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		if (add_template(set, names[i], strlen(names[i]), texts[i], strlen(texts[i]), error)) {
			template_set_free(set);
			return -1;
		}
	}
	if (compile_all(set, error)) {
		template_set_free(set);
		return -1;
	}
	*out = set;
	return 0;
}

int template_set_load(struct template_set **out, const char *dir, char error[RENDER_ERROR_SIZE])
{
	struct template_set *set = calloc(1, sizeof *set);
	*out = NULL;
	if (!set) {
		snprintf(error, RENDER_ERROR_SIZE, "out of memory");
		return -1;
	}
	DIR *folder = opendir(dir);
	if (!folder) {
		snprintf(error, RENDER_ERROR_SIZE, "%.200s: cannot open the template folder", dir);
		free(set);
		return -1;
	}
	struct dirent *file;
	int status = 0;
	while (status == 0 && (file = readdir(folder)) != NULL) {
		size_t len = strlen(file->d_name);
		if (len <= 5 || strcmp(file->d_name + len - 5, ".html") != 0)
			continue;
		char path[4096];
		struct strbuf text;
		strbuf_init(&text, TEMPLATE_FILE_CAP);
		snprintf(path, sizeof path, "%s/%s", dir, file->d_name);
		if (strbuf_read_file(&text, path) != STRBUF_OK) {
			snprintf(error, RENDER_ERROR_SIZE, "%.200s: cannot be read (or larger than 256 KiB)", path);
			status = -1;
		} else {
			status = add_template(set, file->d_name, len - 5, text.buf, text.len, error);
		}
		strbuf_release(&text);
	}
	closedir(folder);
	if (status == 0)
		status = compile_all(set, error);
	if (status) {
		template_set_free(set);
		return -1;
	}
	*out = set;
	return 0;
}

const struct template *template_set_get(const struct template_set *set, const char *name)
{
	for (size_t i = 0; i < set->count; i++) {
		if (strcmp(set->templates[i].name, name) == 0)
			return &set->templates[i];
	}
	return NULL;
}

int render_escape_html(struct strbuf *out, const char *text, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		const char *entity = NULL;
		switch (text[i]) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		default: continue;
		}
		if (strbuf_add(out, text + start, i - start) || strbuf_addstr(out, entity))
			return -1;
		start = i + 1;
	}
	return strbuf_add(out, text + start, len - start) ? -1 : 0;
}

/* Looks a dotted name up from the innermost context outwards. */
static json_t *lookup(json_t **stack, size_t depth, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return stack[depth - 1];
	const char *dot = memchr(name, '.', len);
	size_t first_len = dot ? (size_t)(dot - name) : len;
	char key[72];
	json_t *value = NULL;
	memcpy(key, name, first_len);
	key[first_len] = '\0';
	for (size_t i = depth; i-- > 0;) {
		if (json_is_object(stack[i]) && (value = json_object_get(stack[i], key)) != NULL)
			break;
	}
	while (value && dot) {
		const char *segment = dot + 1;
		dot = memchr(segment, '.', len - (size_t)(segment - name));
		size_t segment_len = dot ? (size_t)(dot - segment) : len - (size_t)(segment - name);
		memcpy(key, segment, segment_len);
		key[segment_len] = '\0';
		value = json_is_object(value) ? json_object_get(value, key) : NULL;
	}
	return value;
}

static bool is_truthy(json_t *value)
{
	if (!value || json_is_null(value) || json_is_false(value))
		return false;
	if (json_is_string(value))
		return json_string_length(value) > 0;
	if (json_is_array(value))
		return json_array_size(value) > 0;
	return true;
}

static int emit_value(struct strbuf *out, json_t *value, bool escaped)
{
	char number[40];
	const char *text = NULL;
	size_t len = 0;
	if (json_is_string(value)) {
		text = json_string_value(value);
		len = json_string_length(value);
	} else if (json_is_integer(value)) {
		len = (size_t)snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		text = number;
	} else if (json_is_real(value)) {
		len = (size_t)snprintf(number, sizeof number, "%g", json_real_value(value));
		text = number;
	} else {
		return 0; /* absent, null, booleans, objects and lists print nothing */
	}
	if (escaped)
		return render_escape_html(out, text, len);
	return strbuf_add(out, text, len) ? -1 : 0;
}

static int render_range(const struct template *t, size_t from, size_t to, json_t **stack, size_t depth,
			struct strbuf *out)
{
	for (size_t i = from; i < to; i++) {
		const struct node *node = &t->nodes[i];
		switch (node->kind) {
		case NODE_TEXT:
			if (strbuf_add(out, node->text, node->len))
				return -1;
			break;
		case NODE_VALUE:
		case NODE_RAW:
			if (emit_value(out, lookup(stack, depth, node->text, node->len), node->kind == NODE_VALUE))
				return -1;
			break;
		case NODE_INVERTED:
			if (!is_truthy(lookup(stack, depth, node->text, node->len)) &&
			    render_range(t, i + 1, node->end, stack, depth, out))
				return -1;
			i = node->end - 1;
			break;
		case NODE_SECTION: {
			json_t *value = lookup(stack, depth, node->text, node->len);
			if (is_truthy(value) && depth < MAX_DEPTH) {
				if (json_is_array(value)) {
					size_t index;
					json_t *item;
					json_array_foreach(value, index, item) {
						stack[depth] = item;
						if (render_range(t, i + 1, node->end, stack, depth + 1, out))
							return -1;
					}
				} else {
					stack[depth] = value; /* a scalar is "." inside; names look further out */
					if (render_range(t, i + 1, node->end, stack, depth + 1, out))
						return -1;
				}
			}
			i = node->end - 1;
			break;
		}
		}
	}
	return 0;
}

int template_render(const struct template *template, json_t *context, struct strbuf *out)
{
	json_t *stack[MAX_DEPTH + 1];
	stack[0] = context;
	return render_range(template, 0, template->node_count, stack, 1, out);
}
