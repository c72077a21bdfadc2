/*
 * render: a small logic-less template language for the web pages, with HTML
 * escaping by default. No C mustache library is packaged in Debian; this is
 * the subset the pages need:
 *
 *   {{name}}           the value at `name` (dotted paths: a.b.c; "." is the
 *                      current item), HTML-escaped
 *   {{{name}}}         the same, unescaped: only for markup the server made
 *                      itself (QR code SVG), never for user data
 *   {{#name}}..{{/name}}  a section: repeated per item of a list, entered once
 *                      for a true value, an object, a number or a non-empty
 *                      string, skipped for false, null, "", [] or absence
 *   {{^name}}..{{/name}}  the inverse: shown only where a section is skipped
 *   {{>name}}          another template of the same set (a partial)
 *   {{! text }}        a comment
 *
 * Values come from jansson objects; a name is looked up from the innermost
 * section outwards. Templates are compiled once (template_set_load) and can be
 * rendered from many threads at once. Errors name the template and line.
 */
#ifndef MELDWIJZER_RENDER_H
#define MELDWIJZER_RENDER_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

#define RENDER_ERROR_SIZE 300

struct template;
struct template_set;

/* Compiles every "*.html" file in `dir`; partials resolve within the set. */
__attribute__((warn_unused_result)) int template_set_load(struct template_set **out, const char *dir,
							  char error[RENDER_ERROR_SIZE]);
/* Compiles templates given as (name, text) pairs (tests, fuzzing). */
__attribute__((warn_unused_result)) int template_set_from_texts(struct template_set **out, const char *const *names,
								const char *const *texts, size_t count,
								char error[RENDER_ERROR_SIZE]);
void template_set_free(struct template_set *set);
const struct template *template_set_get(const struct template_set *set, const char *name);

/* Appends the rendering to `out`; -1 when `out` reaches its cap. */
__attribute__((warn_unused_result)) int template_render(const struct template *template, json_t *context,
							struct strbuf *out);
/* Appends `text` to `out` with & < > " ' escaped. */
__attribute__((warn_unused_result)) int render_escape_html(struct strbuf *out, const char *text, size_t len);

#endif
