/* web_api: the public JSON API (route, assess, signals, contacts) and /healthz; the
 * answers' shapes are the contract in README and contract.h. */
#define _POSIX_C_SOURCE 200809L
#include "web_modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "contract.h"
#include "route.h"
#include "situation.h"
#include "timefmt.h"

void web_api_route(struct web *web, enum kb_lang page_lang, const struct http_request *request, struct http_reply *reply)
{
	(void)page_lang; /* the API takes its language from the request */
	struct situation *situation = malloc(sizeof *situation);
	char error[SITUATION_ERROR_SIZE];
	if (!situation) {
		web_reply_json_error(reply, 500, "out of memory");
		return;
	}
	if (situation_from_json(web->kb, request->body ? request->body : "", request->body_len, situation, error)) {
		web_reply_json_error(reply, 400, error);
		free(situation);
		return;
	}
	struct route_result route;
	route_for_situation(web->kb, &web->texts, situation, web_now(web, request), &route);
	struct assess_result assessment;
	bool assessed = situation->signal_count > 0 &&
			assess_signals(web->kb, situation->signals, situation->signal_count, situation->age,
				   situation->forms, &assessment) == 0;
	web_reply_json(reply, 200, contract_route_json(web->kb, &route, assessed ? &assessment : NULL, situation->lang));
	if (assessed)
		assess_result_release(&assessment);
	free(situation);
}

void web_api_assess(struct web *web, enum kb_lang page_lang, const struct http_request *request, struct http_reply *reply)
{
	(void)page_lang; /* the API takes its language from the request */
	struct assess_request input;
	char error[SITUATION_ERROR_SIZE];
	if (assess_request_from_json(web->kb, request->body ? request->body : "", request->body_len, &input, error)) {
		web_reply_json_error(reply, 400, error);
		return;
	}
	struct assess_result assessment;
	if (assess_signals(web->kb, input.signals, input.signal_count, input.age, input.forms, &assessment)) {
		web_reply_json_error(reply, 500, "out of memory");
		return;
	}
	web_reply_json(reply, 200, contract_assessment_json(web->kb, &assessment, input.lang));
	assess_result_release(&assessment);
}

static bool read_lang_field(const struct http_request *request, enum kb_lang *lang)
{
	const char *value = http_field(request, "lang");
	*lang = KB_LANG_NL;
	return !value || kb_lang_from_id(value, lang);
}

void web_api_signals(struct web *web, enum kb_lang page_lang, const struct http_request *request, struct http_reply *reply)
{
	(void)page_lang; /* the API takes its language from the request */
	enum kb_lang lang;
	unsigned forms = 0;
	if (!read_lang_field(request, &lang)) {
		web_reply_json_error(reply, 400, "lang: expected \"nl\" or \"en\"");
		return;
	}
	for (size_t i = 0; i < request->field_count; i++) {
		enum kb_form form;
		if (strcmp(request->fields[i].key, "form") != 0)
			continue;
		if (!kb_form_from_id(request->fields[i].value, &form)) {
			web_reply_json_error(reply, 400, "form: expected sexual, labour or criminal");
			return;
		}
		forms |= 1u << form;
	}
	web_reply_json(reply, 200, contract_signals_json(web->kb, forms ? forms : (1u << KB_FORM_COUNT) - 1, lang));
}

void web_api_contacts(struct web *web, enum kb_lang page_lang, const struct http_request *request, struct http_reply *reply)
{
	(void)page_lang; /* the API takes its language from the request */
	enum kb_lang lang;
	int64_t at = web_now(web, request);
	const char *at_text = http_field(request, "at");
	if (!read_lang_field(request, &lang)) {
		web_reply_json_error(reply, 400, "lang: expected \"nl\" or \"en\"");
		return;
	}
	if (at_text && !rfc3339_parse(at_text, strlen(at_text), &at)) {
		web_reply_json_error(reply, 400, "at: not a valid RFC 3339 time (like 2026-11-28T14:05:00+01:00)");
		return;
	}
	/* the list depends on the language and on the opening states at `at`, the same for its whole minute */
	char key[32];
	size_t key_len = (size_t)snprintf(key, sizeof key, "contacts|%s", kb_lang_id(lang));
	if (web_cached_reply(web, key, key_len, at, reply))
		return;
	web_reply_json(reply, 200, contract_contacts_json(web->kb, &web->texts, at, lang));
	web_cache_reply(web, key, key_len, at, reply);
}

/* ---- online reports ---- */


/* Whether this server can take reports now (storage state, kept in memory by db: no query). Runs on
 * the HTTP threads, never behind a worker, so it answers while the workers are busy. */
void web_api_health(struct web *web, enum kb_lang page_lang, const struct http_request *request,
		    struct http_reply *reply)
{
	(void)page_lang;
	(void)request;
	if (!web->reporting) {
		web_reply_json(reply, 200, json_pack("{s:s}", "status", "ok"));
		return;
	}
	bool healthy = true;
	json_t *health = report_health(web->reporting, &healthy);
	web_reply_json(reply, healthy ? 200 : 503, health);
}
