/* Helpers shared by the modules of the website (web.c, web_report.c); not a public interface. */
#ifndef MELDWIJZER_WEB_INTERNAL_H
#define MELDWIJZER_WEB_INTERNAL_H

#include "web.h"

const char *web_text(const struct web *web, enum kb_lang lang, const char *key);
const char *web_lang_prefix(enum kb_lang lang);
enum kb_lang web_split_language(const char *path, const char **rest);
/* The parts every page shares (texts, language, links, navigation); the caller adds "page". */
json_t *web_page_context(struct web *web, enum kb_lang lang, const char *page_path,
			 const struct http_request *request, const char *title_key, const char *nav_key);
/* Adds a problem to the error summary at the top of the page (a link to `field_id`, unless NULL) and
 * marks the title; returns the summary's item (borrowed) for more details. */
json_t *web_add_error(struct web *web, enum kb_lang lang, json_t *context, const char *field_id, const char *text);
/* "maandag 30 november" for "2026-11-30" (with the year when it is not this year, or `with_year`). */
void web_day_in_words(const struct web *web, enum kb_lang lang, const char *day, bool with_year, char *out,
		      size_t size);
/* Renders a template into the reply (and releases the context). */
void web_render(struct web *web, const char *template_name, json_t *context, unsigned status, struct http_reply *reply);

/* Who reads online reports and when an answer may come ([site] settings), with the numbers to call
 * instead; for the report pages and the privacy page. */
json_t *web_site_context(struct web *web, enum kb_lang lang);

/* Whom to call instead when the site cannot take a report now: [{name, phone, tel, hours}] (ESSM, police). */
json_t *web_call_instead(struct web *web, enum kb_lang lang);

/* The report and follow-up pages; false when `rest` is not one of them. */
bool web_report_page(struct web *web, enum kb_lang lang, const char *rest, const struct http_request *request,
		     struct http_reply *reply);

#endif
