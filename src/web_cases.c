/* web_cases: the advice point's case work under /team/ (issue 15): the queue (/team/zaken, English
 * /en/team/cases) and the case page (/team/zaak?ref=REF, English /en/team/case?ref=REF) with the
 * forms that answer the reporter, add an internal note, assign the case, change its status, refer it
 * (partner, categories, consent, a coordinator's override) and keep a closed case longer; its history
 * from the audit log; the printable hand-over page of a referral (/team/zaak/overdracht?ref=REF&n=N);
 * and the phone intake (/team/telefoon), which records a call with the public report form's fields
 * and checks (web_report.c) and shows the receipt to read out.
 *
 * Every route here is a staff route for the content roles in web.c's table: the router has found
 * the session, checked the role, the origin and the CSRF token before a handler runs; the rules
 * (who may do what, from which status) are case.c's, and a refusal comes back here as a message on
 * the case page, never as a crash. A form that worked answers 303 back to the case page
 * (Post/Redirect/Get); one that did not shows the case page again with the problem first in <main>
 * and what was typed still in its box.
 *
 * The case page shows decrypted text (the report, the messages, the notes): it is built in wiped
 * memory (web_render_secret), and each opening is on the audit log ("case_opened", the ref) before
 * anything is read; so are the hand-over page ("case_handover_opened", by case.c) and the intake's
 * receipt. No JavaScript; every mark (overdue, due soon, the reporter wrote again) is said
 * in words. */
#define _POSIX_C_SOURCE 200809L
#include "web_modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "audit.h"
#include "case.h"
#include "hours.h"
#include "route.h"
#include "situation.h"
#include "staff.h"
#include "text.h"

static const char *const status_values[] = {"new", "in_progress", "referred", "closed", NULL};
static const char *const kind_values[] = {"report", "consultation", NULL};
static const char *const source_values[] = {"online", "phone", NULL};
static const char *const assigned_values[] = {"mine", "unassigned", NULL};
static const char *const order_values[] = {"newest", "urgent", NULL};
static const char *const closing_reasons[] = {"advice_given", "referred",  "no_signs",
					      "no_contact",   "duplicate", "outside_region", NULL};
static const char *const narrative_fields[] = {"what", "who", "where", "when", "how", NULL};
/* case.c's lists for referrals; categories in the order of their CASE_INFO_* bits */
static const char *const partner_values[] = {"police",	 "labour_authority",  "veilig_thuis",
					     "comensha", "care_coordination", "municipality", NULL};
static const char *const category_values[] = {"summary", "signals", "narrative", "person", "contact", "messages", NULL};
static const char *const consent_values[] = {"given", "refused", "not_asked", "not_possible", NULL};
static const char *const override_values[] = {"acute_danger", "minor", NULL};
static const char *const form_title_keys[KB_FORM_COUNT] = {"form_sexual_title", "form_labour_title",
							   "form_criminal_title"};

static struct case_actor actor_of(const struct staff_session *session)
{
	return (struct case_actor){session->name, session->roles, session->account_id};
}

/* "case_status_in_progress" and the like: the text of a key made of a prefix and a value. */
static const char *text_for(struct web *web, enum kb_lang lang, const char *prefix, const char *value)
{
	char key[80];
	snprintf(key, sizeof key, "%s%s", prefix, value);
	return web_text(web, lang, key);
}

/* Sets a new value on an object; false when it could not be set. The value is taken over either way. */
static bool put(json_t *object, const char *key, json_t *value)
{
	if (!object || !value) {
		json_decref(value);
		return false;
	}
	return json_object_set_new(object, key, value) == 0;
}

/* The parts of a team page: the language switch goes to the other language's own path (these
 * addresses differ per language), with the query that makes the page (`query`, already safe). */
static json_t *team_page(struct web *web, enum kb_lang lang, const struct staff_session *session,
			 const char *path_key, const char *query, const char *title_key)
{
	enum kb_lang other = lang == KB_LANG_NL ? KB_LANG_EN : KB_LANG_NL;
	char alt[600];
	snprintf(alt, sizeof alt, "%s/team/%s%s%s", web_lang_prefix(other), web_text(web, other, path_key),
		 query && *query ? "?" : "", query ? query : "");
	json_t *context = web_team_context(web_page_context(web, lang, "/team/", NULL, title_key, NULL), session);
	if (context && !put(context, "alt_url", json_string(alt))) {
		json_decref(context);
		return NULL;
	}
	return context;
}

/* A report's ref: 32 lower-case hex characters. */
static bool ref_valid(const char *ref)
{
	return ref && strlen(ref) == DB_REF_SIZE - 1 && strspn(ref, "0123456789abcdef") == DB_REF_SIZE - 1;
}

/* The staff accounts, for names on the queue and the case page and the choice of whom to assign. */
struct account_entry {
	int64_t id;
	char name[DB_STAFF_NAME_SIZE];
	bool assignable; /* active, with a content role */
};
struct account_list {
	struct account_entry *items;
	size_t count, cap;
	bool failed;
};

static void collect_account(void *ctx, const struct db_staff_account *account)
{
	struct account_list *list = ctx;
	if (list->failed)
		return;
	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 32;
		struct account_entry *items = realloc(list->items, cap * sizeof *items);
		if (!items) {
			list->failed = true;
			return;
		}
		list->items = items;
		list->cap = cap;
	}
	struct account_entry *entry = &list->items[list->count++];
	entry->id = account->id;
	snprintf(entry->name, sizeof entry->name, "%s", account->name);
	entry->assignable = strcmp(account->state, "active") == 0 && (account->roles & STAFF_CONTENT_ROLES) != 0;
}

static int load_accounts(struct web *web, struct account_list *list)
{
	memset(list, 0, sizeof *list);
	if (db_staff_list(web->reporting->db, collect_account, list) != 0 || list->failed) {
		free(list->items);
		memset(list, 0, sizeof *list);
		return -1;
	}
	return 0;
}

static const char *account_name(const struct account_list *list, int64_t id)
{
	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i].id == id)
			return list->items[i].name;
	}
	return NULL;
}

/* "seksuele uitbuiting, arbeidsuitbuiting" for a case's form bits ("unknown" too). */
static json_t *forms_in_words(struct web *web, enum kb_lang lang, unsigned bits)
{
	char out[400] = "";
	size_t used = 0;
	for (int f = 0; f <= KB_FORM_COUNT; f++) {
		if (!(bits & (1u << f)))
			continue;
		const char *name = f < KB_FORM_COUNT ? text_form_name(&web->texts, (enum kb_form)f, lang)
						     : web_text(web, lang, "case_form_unknown");
		int wrote = snprintf(out + used, sizeof out - used, "%s%s", used ? ", " : "", name);
		if (wrote < 0 || (size_t)wrote >= sizeof out - used)
			break;
		used += (size_t)wrote;
	}
	return json_string(used ? out : web_text(web, lang, "case_forms_none"));
}

static json_t *day_in_words(struct web *web, enum kb_lang lang, const struct http_request *request, const char *day)
{
	char words[80];
	web_day_in_words(web, lang, day, false, web_now(web, request), words, sizeof words);
	return json_string(words);
}

/* What is due, in words: overdue or due soon, and which deadline; the retention warning. */
static json_t *deadline_marks(struct web *web, enum kb_lang lang, const struct http_request *request,
			      const struct db_case *row, const struct case_deadlines *deadlines)
{
	json_t *marks = json_array();
	const char *due = !deadlines->answer_met ? deadlines->answer_due : deadlines->feedback_due;
	const char *which = !deadlines->answer_met ? "case_deadline_answer" : "case_deadline_feedback";
	if (deadlines->overdue || deadlines->due_soon) {
		char words[80], text[300];
		web_day_in_words(web, lang, due, false, web_now(web, request), words, sizeof words);
		web_fill_in(web_text(web, lang, which), "{day}", words, text, sizeof text);
		json_t *mark = json_pack("{s:s, s:s, s:s}", "class", deadlines->overdue ? "overdue" : "due-soon", "label",
					 web_text(web, lang, deadlines->overdue ? "case_overdue" : "case_due_soon"),
					 "text", text);
		if (!mark || json_array_append_new(marks, mark))
			goto fail;
	}
	if (row->reporter_waiting) {
		json_t *mark = json_pack("{s:s, s:s, s:s}", "class", "waiting", "label",
					 web_text(web, lang, "case_reporter_waiting"), "text", "");
		if (!mark || json_array_append_new(marks, mark))
			goto fail;
	}
	if (deadlines->destroy_soon && row->destroy_day[0]) {
		char words[80], text[300];
		web_day_in_words(web, lang, row->destroy_day, false, web_now(web, request), words, sizeof words);
		web_fill_in(web_text(web, lang, "case_destroy_soon"), "{day}", words, text, sizeof text);
		json_t *mark = json_pack("{s:s, s:s, s:s}", "class", "destroy-soon", "label",
					 web_text(web, lang, "case_destroy_soon_label"), "text", text);
		if (!mark || json_array_append_new(marks, mark))
			goto fail;
	}
	return marks;
fail:
	json_decref(marks);
	return NULL;
}

/* A <select>'s options: the "any" choice (value "") and each value with its text. */
static json_t *options(struct web *web, enum kb_lang lang, const char *any_key, const char *label_prefix,
		       const char *const *values, const char *selected)
{
	json_t *list = json_array();
	if (any_key && json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", "", "label",
							     web_text(web, lang, any_key), "selected",
							     !selected || !*selected)))
		goto fail;
	for (size_t i = 0; values[i]; i++) {
		json_t *option = json_pack("{s:s, s:s, s:b}", "value", values[i], "label",
					   text_for(web, lang, label_prefix, values[i]), "selected",
					   selected && strcmp(selected, values[i]) == 0);
		if (!option || json_array_append_new(list, option))
			goto fail;
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

/* ---- the queue ---- */

/* The queue's filters as typed: each either empty or a value from its list. */
struct queue_filters {
	const char *status, *kind, *form, *source, *assigned, *order, *after;
	bool overdue, waiting;
};

/* A field that is absent or empty (any), or one of `values`; false otherwise. */
static bool read_choice(const struct http_request *request, const char *key, const char *const *values,
			const char **out)
{
	const char *value = http_field(request, key);
	*out = value && *value ? value : NULL;
	return !*out || web_value_index(values, *out) >= 0;
}

static bool read_flag(const struct http_request *request, const char *key, bool *out)
{
	const char *value = http_field(request, key);
	*out = value && strcmp(value, "1") == 0;
	return !value || !*value || *out;
}

/* A page token as case.c makes them: letters, digits, '.' and '-', short. */
static bool token_shape(const char *token)
{
	size_t len = strlen(token);
	return len > 0 && len < CASE_PAGE_TOKEN_SIZE &&
	       strspn(token, "0123456789abcdefghijklmnopqrstuvwxyz.-") == len;
}

static bool read_filters(const struct http_request *request, struct queue_filters *filters)
{
	memset(filters, 0, sizeof *filters);
	bool good = read_choice(request, "status", status_values, &filters->status) &&
		    read_choice(request, "kind", kind_values, &filters->kind) &&
		    read_choice(request, "form", web_form_values, &filters->form) &&
		    read_choice(request, "source", source_values, &filters->source) &&
		    read_choice(request, "assigned", assigned_values, &filters->assigned) &&
		    read_choice(request, "order", order_values, &filters->order) &&
		    read_flag(request, "overdue", &filters->overdue) && read_flag(request, "waiting", &filters->waiting);
	/* late cases come most overdue first, whatever the order says (case_queue does the same) */
	if (good && filters->overdue)
		filters->order = "urgent";
	const char *after = http_field(request, "after");
	if (after && *after) {
		filters->after = after;
		good = good && token_shape(after);
	}
	return good;
}

/* The query that makes this queue page (values from the lists only), without the page token. */
static void filters_query(const struct queue_filters *filters, char *out, size_t size)
{
	const char *keys[] = {"status", "kind", "form", "source", "assigned", "order"};
	const char *values[] = {filters->status, filters->kind, filters->form, filters->source, filters->assigned,
				filters->order};
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		if (!values[i])
			continue;
		int wrote = snprintf(out + used, size - used, "%s%s=%s", used ? "&" : "", keys[i], values[i]);
		if (wrote < 0 || (size_t)wrote >= size - used)
			return;
		used += (size_t)wrote;
	}
	if (filters->overdue)
		used += (size_t)snprintf(out + used, size - used, "%soverdue=1", used ? "&" : "");
	if (filters->waiting && used < size)
		(void)snprintf(out + used, size - used, "%swaiting=1", used ? "&" : "");
}

static json_t *queue_item(struct web *web, enum kb_lang lang, const struct http_request *request,
			  const struct case_queue_item *item, const struct account_list *accounts)
{
	const struct db_case *row = &item->row;
	const char *assigned = row->assigned_to ? account_name(accounts, row->assigned_to) : NULL;
	json_t *entry = json_pack("{s:s, s:s, s:s, s:s}", "ref", row->ref, "kind",
				  text_for(web, lang, "case_kind_", row->kind), "status",
				  text_for(web, lang, "case_status_", row->status), "source",
				  text_for(web, lang, "case_source_", row->source));
	bool built = entry && put(entry, "day", day_in_words(web, lang, request, row->created_day)) &&
		     put(entry, "forms", forms_in_words(web, lang, row->form_bits)) &&
		     put(entry, "assigned",
			 json_string(assigned ? assigned
				     : row->assigned_to ? web_text(web, lang, "case_assigned_unknown")
							: web_text(web, lang, "case_unassigned"))) &&
		     put(entry, "marks", deadline_marks(web, lang, request, row, &item->deadlines));
	if (!built) {
		json_decref(entry);
		return NULL;
	}
	return entry;
}

/* GET /team/zaken: the queue, 50 a page, with its filters as a plain form. */
void web_cases_queue(struct web *web, enum kb_lang lang, const struct http_request *request,
		     const struct staff_session *session, struct http_reply *reply)
{
	struct queue_filters filters;
	bool good = read_filters(request, &filters);
	if (!good)
		memset(&filters, 0, sizeof filters); /* the whole queue, with the problem said first */
	struct case_settings settings = web->config->cases; /* [cases] */
	struct case_queue_query query = {
		.order = filters.order && strcmp(filters.order, "urgent") == 0 ? DB_CASE_URGENT : DB_CASE_NEWEST,
		.status = filters.status,
		.kind = filters.kind,
		.source = filters.source,
		.form_bits = filters.form ? 1u << (unsigned)web_value_index(web_form_values, filters.form) : 0,
		.mine = filters.assigned && strcmp(filters.assigned, "mine") == 0,
		.unassigned = filters.assigned && strcmp(filters.assigned, "unassigned") == 0,
		.overdue = filters.overdue,
		.reporter_waiting = filters.waiting,
		.after = filters.after,
	};
	struct case_actor actor = actor_of(session);
	struct case_queue_page *result = calloc(1, sizeof *result);
	int status = result ? case_queue(web->reporting, &settings, &actor, &query, request->now, result) : -1;
	if (status == CASE_BAD_INPUT) {
		/* a page token that is not one (an old or changed address): the first page, and say so */
		good = false;
		memset(&filters, 0, sizeof filters);
		memset(&query, 0, sizeof query);
		status = case_queue(web->reporting, &settings, &actor, &query, request->now, result);
	}
	struct account_list accounts = {0};
	if (status != CASE_OK || load_accounts(web, &accounts)) {
		free(result);
		web_error_page(web, request, status == CASE_FORBIDDEN ? 403 : 500, reply);
		return;
	}
	char query_text[300];
	filters_query(&filters, query_text, sizeof query_text);
	json_t *context = team_page(web, lang, session, "queue_path", query_text, "queue_title");
	json_t *page = json_object();
	json_t *items = json_array();
	bool built = context && page && items;
	for (size_t i = 0; built && i < result->count; i++) {
		json_t *item = queue_item(web, lang, request, &result->items[i], &accounts);
		built = item && json_array_append_new(items, item) == 0;
	}
	const int64_t counts[] = {result->counts.new_count, result->counts.in_progress, result->counts.referred,
				  result->counts.closed};
	json_t *count_list = json_array();
	for (size_t i = 0; built && count_list && status_values[i]; i++) {
		json_t *count = json_pack("{s:s, s:s, s:I}", "value", status_values[i], "label",
					  text_for(web, lang, "case_status_", status_values[i]), "count",
					  (json_int_t)counts[i]);
		built = count && json_array_append_new(count_list, count) == 0;
	}
	if (built && result->more && result->next[0]) {
		char next[400];
		snprintf(next, sizeof next, "%s%safter=%s", query_text, query_text[0] ? "&" : "", result->next);
		built = put(page, "next", json_string(next));
	}
	if (built) {
		built = put(page, "items", items);
		items = NULL;
	}
	if (built) {
		built = put(page, "counts", count_list);
		count_list = NULL;
	}
	built = built && put(page, "has_items", json_boolean(result->count > 0)) &&
		put(page, "searched_only", json_boolean(result->searched_only)) &&
		put(page, "empty", json_boolean(result->count == 0 && !result->searched_only)) &&
		put(page, "later_page", json_boolean(filters.after != NULL)) &&
		put(page, "statuses", options(web, lang, "queue_any", "case_status_", status_values, filters.status)) &&
		put(page, "kinds", options(web, lang, "queue_any", "case_kind_", kind_values, filters.kind)) &&
		put(page, "forms", options(web, lang, "queue_any", "case_form_", web_form_values, filters.form)) &&
		put(page, "sources", options(web, lang, "queue_any", "case_source_", source_values, filters.source)) &&
		put(page, "assigned", options(web, lang, "queue_any", "queue_assigned_", assigned_values,
					      filters.assigned)) &&
		put(page, "orders", options(web, lang, NULL, "queue_order_", order_values,
					    filters.order ? filters.order : "newest")) &&
		put(page, "overdue", json_boolean(filters.overdue)) && put(page, "waiting", json_boolean(filters.waiting));
	if (built && !good)
		built = web_add_error(web, lang, context, "queue-status", web_text(web, lang, "queue_error_filter")) != NULL;
	json_decref(items);
	json_decref(count_list);
	free(accounts.items);
	free(result);
	if (!built || json_object_set_new(context, "page", page)) {
		if (!built)
			json_decref(page);
		json_decref(context);
		context = NULL;
	}
	web_render(web, "team_queue", context, good ? 200 : 400, reply);
}

/* ---- the case page ---- */

/* One block of the weighing, in the public site's words (text.h). */
static json_t *assessment_block(struct web *web, enum kb_lang lang, const char *title, const struct assess_form *form,
				enum kb_form f)
{
	json_t *block = json_pack("{s:s, s:s, s:s, s:s}", "title", title, "level",
				  text_level(&web->texts, form->level, lang), "level_id", assess_level_id(form->level),
				  "basis", text_basis(&web->texts, form->basis, f, lang));
	if (block && form->provisional && form->level != ASSESS_LEVEL_NONE &&
	    !put(block, "provisional", json_string(text_get(&web->texts, T_ASSESS_PROVISIONAL, lang)))) {
		json_decref(block);
		return NULL;
	}
	unsigned open = assess_open_questions(form);
	if (block && open) {
		json_t *unknown = json_array();
		for (int d = 0; unknown && d < KB_DIMENSION_COUNT; d++) {
			if ((open & (1u << d)) &&
			    json_array_append_new(unknown, json_string(text_unknown_dimension(&web->texts, (enum kb_dimension)d,
											 f, lang)))) {
				json_decref(unknown);
				unknown = NULL;
			}
		}
		if (!put(block, "unknown", json_pack("{s:s, s:o}", "intro", text_get(&web->texts, T_ASSESS_UNKNOWN_INTRO, lang),
						     "items", unknown))) {
			json_decref(block);
			return NULL;
		}
	}
	return block;
}

/* The signals of the report (ids, comma-separated) as kb indexes; unknown ids (a catalogue changed
 * since) are left out. */
static size_t signal_indexes(const struct kb *kb, const char *ids, size_t out[SITUATION_MAX_SIGNALS])
{
	size_t count = 0;
	while (ids && *ids && count < SITUATION_MAX_SIGNALS) {
		size_t len = strcspn(ids, ",");
		char id[128];
		if (len < sizeof id) {
			memcpy(id, ids, len);
			id[len] = '\0';
			long index = kb_signal_index(kb, id);
			if (index >= 0)
				out[count++] = (size_t)index;
		}
		ids += len;
		if (*ids == ',')
			ids++;
	}
	return count;
}

/* The weighing and the routing the public site would give for these signals and forms: the age is
 * not asked in a report, so both profiles are weighed (as for "weet ik niet"). */
static bool add_weighing(struct web *web, enum kb_lang lang, const struct http_request *request, json_t *context,
			 json_t *page, json_t *report, unsigned form_bits)
{
	size_t signals[SITUATION_MAX_SIGNALS];
	size_t count = signal_indexes(web->kb, json_string_value(json_object_get(report, "signals")), signals);
	unsigned chosen = form_bits & 8u ? 0 : form_bits & 7u;
	struct assess_result assessment;
	if (assess_signals(web->kb, signals, count, KB_AGE_UNKNOWN, chosen, &assessment))
		return false;
	json_t *blocks = json_array(), *chosen_signals = json_array();
	unsigned relevant = 0;
	for (int f = 0; f < KB_FORM_COUNT; f++)
		relevant |= assessment.forms[f].relevant ? 1u << f : 0;
	bool built = blocks && chosen_signals;
	for (int f = 0; built && count > 0 && f < KB_FORM_COUNT; f++) {
		const struct assess_form *form = &assessment.forms[f];
		bool show = relevant ? form->relevant : form->level == assessment.level;
		if (!show)
			continue;
		json_t *block = assessment_block(web, lang, web_text(web, lang, form_title_keys[f]), form, (enum kb_form)f);
		built = block && json_array_append_new(blocks, block) == 0;
		if (!relevant)
			break; /* no form stands out: the first form with the highest level */
	}
	for (size_t i = 0; built && i < count; i++)
		built = json_array_append_new(chosen_signals, json_string(web->kb->signals[signals[i]].text[lang])) == 0;
	if (built && count > 0)
		built = put(page, "level", json_pack("{s:s, s:s, s:s}", "level",
						     assessment.level == ASSESS_LEVEL_NONE
							     ? web_text(web, lang, "signals_level_none")
							     : text_level(&web->texts, assessment.level, lang),
						     "next", text_next_step(&web->texts, assessment.level, lang), "level_id",
						     assess_level_id(assessment.level)));
	if (built) {
		bool stored = put(page, "blocks", blocks);
		built = put(page, "signals", chosen_signals) && stored;
	} else {
		json_decref(blocks);
		json_decref(chosen_signals);
	}
	built = built && put(page, "has_signals", json_boolean(count > 0)) &&
		put(page, "not_a_verdict", json_string(text_get(&web->texts, T_ASSESS_NOT_A_VERDICT, lang))) &&
		put(page, "age_unknown", json_string(text_get(&web->texts, T_ASSESS_AGE_UNKNOWN, lang)));
	assess_result_release(&assessment);
	if (!built)
		return false;
	/* the routing: as the guide does for this person's stated need */
	const char *kind = json_string_value(json_object_get(report, "kind"));
	const char *relation = json_string_value(json_object_get(report, "relation"));
	struct situation situation;
	situation_init(&situation);
	situation.lang = lang;
	situation.age = KB_AGE_UNKNOWN;
	situation.forms = relevant ? relevant : chosen;
	situation.form_unknown = situation.forms == 0;
	situation.about_self = relation && strcmp(relation, "self") == 0;
	situation.wants_advice = kind && strcmp(kind, "consultation") == 0;
	situation.report_victim = !situation.wants_advice;
	struct route_result route;
	route_for_situation(web->kb, &web->texts, &situation, web_now(web, request), &route);
	return put(context, "route", web_route_for_page(web, &route, lang));
}

/* The report's own words, field by field, and the contact details when given. */
static bool add_narrative(struct web *web, enum kb_lang lang, json_t *page, json_t *report)
{
	json_t *fields = json_array();
	static const char *const label_keys[] = {"case_field_what", "case_field_who", "case_field_where",
						 "case_field_when", "case_field_how"};
	bool built = fields != NULL;
	for (size_t i = 0; built && narrative_fields[i]; i++) {
		const char *value = json_string_value(json_object_get(report, narrative_fields[i]));
		if (!value || !*value)
			continue;
		json_t *field = json_pack("{s:s, s:s}", "label", web_text(web, lang, label_keys[i]), "text", value);
		built = field && json_array_append_new(fields, field) == 0;
	}
	const char *relation = json_string_value(json_object_get(report, "relation"));
	if (built && relation) {
		json_t *field = json_pack("{s:s, s:s}", "label", web_text(web, lang, "case_field_relation"), "text",
					  text_for(web, lang, "relation_", relation));
		built = field && json_array_append_new(fields, field) == 0;
	}
	built = put(page, "fields", fields) && built;
	json_t *contact = json_object_get(report, "contact");
	if (built && json_is_object(contact)) {
		json_t *details = json_array();
		static const char *const contact_keys[] = {"name", "phone", "email"};
		static const char *const contact_labels[] = {"report_name", "report_phone", "report_email"};
		for (size_t i = 0; details && built && i < 3; i++) {
			const char *value = json_string_value(json_object_get(contact, contact_keys[i]));
			if (!value || !*value)
				continue;
			json_t *detail = json_pack("{s:s, s:s}", "label", web_text(web, lang, contact_labels[i]), "text", value);
			built = detail && json_array_append_new(details, detail) == 0;
		}
		size_t given = json_array_size(details);
		built = put(page, "contact", details) && built && put(page, "has_contact", json_boolean(given > 0));
	}
	return built;
}

static bool add_messages(struct web *web, enum kb_lang lang, const struct http_request *request, json_t *page,
			 json_t *report)
{
	json_t *messages = json_array();
	json_t *stored = json_object_get(report, "messages");
	size_t index;
	json_t *message;
	bool built = messages != NULL;
	json_array_foreach(stored, index, message) {
		if (!built)
			break;
		const char *from = json_string_value(json_object_get(message, "from"));
		bool from_reporter = from && strcmp(from, "reporter") == 0;
		json_t *entry = json_pack("{s:s, s:O, s:s}", "from",
					  web_text(web, lang, from_reporter ? "case_from_reporter" : "case_from_team"),
					  "body", json_object_get(message, "body"), "class", from_reporter ? "from-reporter" : "from-team");
		built = entry && put(entry, "day", day_in_words(web, lang, request,
								json_string_value(json_object_get(message, "day"))));
		if (built)
			built = json_array_append_new(messages, entry) == 0;
		else
			json_decref(entry);
	}
	return put(page, "messages", messages) && built;
}

static bool add_notes(struct web *web, enum kb_lang lang, const struct http_request *request, json_t *page,
		      json_t *notes)
{
	size_t index;
	json_t *note;
	bool built = true;
	json_array_foreach(notes, index, note) {
		char day[DB_DAY_SIZE];
		case_day_of((int64_t)json_integer_value(json_object_get(note, "at")), day);
		const char *kind = json_string_value(json_object_get(note, "kind"));
		built = built && put(note, "day", day_in_words(web, lang, request, day)) &&
			put(note, "kind_label", json_string(kind && strcmp(kind, "note") != 0
							    ? text_for(web, lang, "case_note_kind_", kind) : ""));
	}
	return built && put(page, "notes", json_incref(notes));
}

static bool add_referrals(struct web *web, enum kb_lang lang, const struct http_request *request, json_t *page,
			  json_t *referrals)
{
	size_t index;
	json_t *referral;
	bool built = true;
	json_array_foreach(referrals, index, referral) {
		const char *override = json_string_value(json_object_get(referral, "override"));
		built = built &&
			put(referral, "partner_label",
			    json_string(text_for(web, lang, "case_partner_",
						 json_string_value(json_object_get(referral, "partner"))))) &&
			put(referral, "consent_label",
			    json_string(text_for(web, lang, "case_consent_",
						 json_string_value(json_object_get(referral, "consent"))))) &&
			put(referral, "day_words",
			    day_in_words(web, lang, request, json_string_value(json_object_get(referral, "day")))) &&
			(!override || put(referral, "override_label", json_string(text_for(web, lang, "case_override_", override)))) &&
			put(referral, "number", json_integer((json_int_t)index + 1));
		json_t *labels = json_array();
		size_t i;
		json_t *category;
		json_array_foreach(json_object_get(referral, "categories"), i, category) {
			if (labels && json_array_append_new(labels, json_string(text_for(web, lang, "case_category_",
											 json_string_value(category)))))
				break;
		}
		built = built && put(referral, "category_labels", labels);
	}
	return built && put(page, "referrals", json_incref(referrals));
}

/* The forms of the case page: assignment (coordinators), the status steps this person may take. */
static bool add_actions(struct web *web, enum kb_lang lang, const struct staff_session *session, json_t *page,
			const struct db_case *row, const struct account_list *accounts, const char *typed_to)
{
	bool built = true;
	if (session->roles & STAFF_ROLE_COORDINATOR && strcmp(row->status, "closed") != 0) {
		json_t *choices = json_array();
		built = choices && json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "value", "", "label",
									    web_text(web, lang, "case_assign_nobody"),
									    "selected", row->assigned_to == 0)) == 0;
		for (size_t i = 0; built && i < accounts->count; i++) {
			const struct account_entry *account = &accounts->items[i];
			if (!account->assignable && account->id != row->assigned_to)
				continue;
			json_t *choice = json_pack("{s:s, s:s, s:b}", "value", account->name, "label", account->name,
						   "selected", account->id == row->assigned_to);
			built = choice && json_array_append_new(choices, choice) == 0;
		}
		built = put(page, "assign", choices) && built && put(page, "can_assign", json_true());
	}
	static const char *const targets[] = {"in_progress", "closed"};
	json_t *steps = json_array();
	bool closing = false;
	for (size_t i = 0; built && steps && i < 2; i++) {
		if (strcmp(row->status, targets[i]) == 0 || !case_transition_allowed(row->status, targets[i], session->roles))
			continue;
		closing = closing || strcmp(targets[i], "closed") == 0;
		json_t *step = json_pack("{s:s, s:s, s:b}", "value", targets[i], "label",
					 text_for(web, lang, "case_step_", strcmp(row->status, "closed") == 0 ? "reopen" : targets[i]),
					 "selected", typed_to && strcmp(typed_to, targets[i]) == 0);
		built = step && json_array_append_new(steps, step) == 0;
	}
	bool has_steps = json_array_size(steps) > 0;
	bool stored = put(page, "steps", steps); /* taken over either way */
	built = built && stored && put(page, "has_steps", json_boolean(has_steps));
	if (built && closing)
		built = put(page, "reasons", options(web, lang, "case_reason_choose", "case_reason_", closing_reasons, NULL)) &&
			put(page, "has_reasons", json_true());
	if (built && !(session->roles & STAFF_ROLE_COORDINATOR))
		built = put(page, "coordinator_only", json_string(web_text(web, lang, "case_coordinator_only")));
	return built;
}

/* A problem with one of the forms: shown first in <main>, linked to its field, what was typed kept. */
struct case_problem {
	const char *key;      /* strings.json */
	const char *field;    /* the id of the field it is about */
	unsigned status;
	const char *answer;   /* the typed answer, or NULL */
	const char *note;     /* the typed note, or NULL */
	const char *to;       /* the status chosen */
	const struct http_request *typed; /* the referral or retention form as sent, to show it again */
	const char *done;     /* what was done, said on the case page after it: answer, note, ... */
};

/* Whether the form as sent had `key` = `value` (checkboxes send a key once per ticked box). */
static bool form_has(const struct http_request *request, const char *key, const char *value)
{
	for (size_t i = 0; request && i < request->form_count; i++) {
		if (strcmp(request->form[i].key, key) == 0 && strcmp(request->form[i].value, value) == 0)
			return true;
	}
	return false;
}

/* Choices as radio buttons or checkboxes: each value with its text, checked as sent in `typed`. */
static json_t *choices(struct web *web, enum kb_lang lang, const char *label_prefix, const char *const *values,
		       const struct http_request *typed, const char *key)
{
	json_t *list = json_array();
	for (size_t i = 0; list && values[i]; i++) {
		json_t *choice = json_pack("{s:s, s:s, s:b}", "value", values[i], "label",
					   text_for(web, lang, label_prefix, values[i]), "checked",
					   form_has(typed, key, values[i]));
		if (!choice || json_array_append_new(list, choice)) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/* The referral form: partner, categories, consent; the override and its reason for coordinators only
 * (case.c refuses them from anyone else). A form sent before is shown again as it was sent. */
static bool add_refer_form(struct web *web, enum kb_lang lang, const struct staff_session *session, json_t *page,
			   const struct db_case *row, const struct case_problem *problem)
{
	if (!case_transition_allowed(row->status, "referred", session->roles))
		return true; /* a closed case is not referred */
	const struct http_request *typed = problem ? problem->typed : NULL;
	const char *partner = typed ? http_form_field(typed, "partner") : NULL;
	const char *reason = typed ? http_form_field(typed, "reason") : NULL;
	bool built = put(page, "can_refer", json_true()) &&
		     put(page, "partners", options(web, lang, "case_partner_choose", "case_partner_", partner_values, partner)) &&
		     put(page, "categories", choices(web, lang, "case_category_", category_values, typed, "category")) &&
		     put(page, "consents", choices(web, lang, "case_consent_", consent_values, typed, "consent"));
	if (built && session->roles & STAFF_ROLE_COORDINATOR) {
		json_t *overrides = choices(web, lang, "case_override_", override_values, typed, "override");
		const char *chosen = typed ? http_form_field(typed, "override") : NULL;
		built = overrides &&
			json_array_insert_new(overrides, 0,
					      json_pack("{s:s, s:s, s:b}", "value", "", "label",
							web_text(web, lang, "case_override_none"), "checked",
							!chosen || !*chosen)) == 0;
		built = put(page, "overrides", overrides) && built && put(page, "can_override", json_true()) &&
			(!reason || put(page, "typed_refer_reason", json_string(reason)));
	}
	return built;
}

/* The case's history: when, who, and what in words (case_action_* in strings.json); or that it could
 * not be read (`status` not CASE_OK). */
static bool add_history(struct web *web, enum kb_lang lang, const struct http_request *request, json_t *page,
			json_t *history, int status)
{
	if (status != CASE_OK)
		return put(page, "history_failed", json_true());
	size_t index;
	json_t *entry;
	bool built = true;
	json_array_foreach(history, index, entry) {
		struct civil_time local;
		char day[DB_DAY_SIZE + 8], words[96], when[128];
		amsterdam_civil((int64_t)json_integer_value(json_object_get(entry, "at")), &local);
		snprintf(day, sizeof day, "%04d-%02d-%02d", local.year, local.month, local.day);
		web_day_in_words(web, lang, day, true, web_now(web, request), words, sizeof words);
		snprintf(when, sizeof when, "%s, %02d:%02d", words, local.hour, local.minute);
		const char *account = json_string_value(json_object_get(entry, "account"));
		built = built && put(entry, "when", json_string(when)) &&
			put(entry, "what", json_string(text_for(web, lang, "case_action_",
								json_string_value(json_object_get(entry, "action"))))) &&
			(!account || strcmp(account, "-") != 0 ||
			 put(entry, "account", json_string(web_text(web, lang, "case_history_nobody"))));
	}
	return built && put(page, "has_history", json_boolean(json_array_size(history) > 0)) &&
	       put(page, "history", json_incref(history));
}

/* A closed case: the day it is destroyed and, for coordinators, the form that keeps it longer. */
static bool add_retention(struct web *web, enum kb_lang lang, const struct http_request *request,
			  const struct staff_session *session, json_t *page, const struct db_case *row,
			  const struct case_problem *problem)
{
	if (strcmp(row->status, "closed") != 0 || !row->destroy_day[0])
		return true;
	const struct http_request *typed = problem ? problem->typed : NULL;
	const char *months = typed ? http_form_field(typed, "months") : NULL;
	const char *reason = typed ? http_form_field(typed, "reason") : NULL;
	bool built = put(page, "destroy_day", day_in_words(web, lang, request, row->destroy_day));
	if (built && session->roles & STAFF_ROLE_COORDINATOR)
		built = put(page, "can_extend", json_true()) && (!months || put(page, "typed_months", json_string(months))) &&
			(!reason || put(page, "typed_retention_reason", json_string(reason)));
	return built;
}

static void render_case(struct web *web, enum kb_lang lang, const struct http_request *request,
			const struct staff_session *session, const char *ref, const struct case_problem *problem,
			struct http_reply *reply)
{
	struct db_case row;
	int found = ref_valid(ref) ? db_case_get(web->reporting->db, ref, &row) : 1;
	if (found != 0) {
		web_error_page(web, request, found == 1 ? 404 : 500, reply);
		return;
	}
	/* on record before anything is shown: who opened which case, when */
	if (audit_append(web->reporting->db, request->now, session->name, "case_opened", row.ref)) {
		web_error_page(web, request, 500, reply);
		return;
	}
	struct case_actor actor = actor_of(session);
	struct case_settings settings = web->config->cases; /* [cases] */
	struct case_deadlines deadlines;
	json_t *report = NULL, *notes = NULL, *referrals = NULL, *history = NULL;
	/* the case can be worked on without its history: when that cannot be read, the page says so */
	int history_status = case_history(web->reporting, &actor, row.ref, &history);
	struct account_list accounts = {0};
	if (!session->team_secret || case_deadlines(&settings, &row, request->now, &deadlines) ||
	    report_read_as_team(web->reporting, session->team_secret, row.ref, &report) ||
	    case_list_notes(web->reporting, &actor, session->team_secret, row.ref, request->now, &notes) != CASE_OK ||
	    case_list_referrals(web->reporting, &actor, row.ref, &referrals) != CASE_OK || load_accounts(web, &accounts)) {
		json_decref(history);
		json_decref(report);
		json_decref(notes);
		json_decref(referrals);
		web_error_page(web, request, 500, reply);
		return;
	}
	char query[DB_REF_SIZE + 8];
	snprintf(query, sizeof query, "ref=%s", row.ref);
	json_t *context = team_page(web, lang, session, "case_path", query, "case_title");
	json_t *page = json_object();
	const char *assigned = row.assigned_to ? account_name(&accounts, row.assigned_to) : NULL;
	char back[200];
	snprintf(back, sizeof back, "%s/team/%s?ref=%s", web_lang_prefix(lang), web_text(web, lang, "case_path"), row.ref);
	bool built =
		context && page && put(page, "ref", json_string(row.ref)) && put(page, "back", json_string(back)) &&
		put(page, "csrf", json_string(session->csrf)) &&
		put(page, "kind", json_string(text_for(web, lang, "case_kind_", row.kind))) &&
		put(page, "status", json_string(text_for(web, lang, "case_status_", row.status))) &&
		put(page, "source", json_string(text_for(web, lang, "case_source_", row.source))) &&
		put(page, "day", day_in_words(web, lang, request, row.created_day)) &&
		put(page, "forms", forms_in_words(web, lang, row.form_bits)) &&
		put(page, "assigned", json_string(assigned ? assigned
						  : row.assigned_to ? web_text(web, lang, "case_assigned_unknown")
								    : web_text(web, lang, "case_unassigned"))) &&
		put(page, "marks", deadline_marks(web, lang, request, &row, &deadlines)) &&
		put(page, "closed", json_boolean(strcmp(row.status, "closed") == 0)) &&
		(!row.closing_reason[0] ||
		 put(page, "closing_reason", json_string(text_for(web, lang, "case_reason_", row.closing_reason)))) &&
		add_narrative(web, lang, page, report) && add_messages(web, lang, request, page, report) &&
		add_notes(web, lang, request, page, notes) && add_referrals(web, lang, request, page, referrals) &&
		add_actions(web, lang, session, page, &row, &accounts, problem ? problem->to : NULL) &&
		add_refer_form(web, lang, session, page, &row, problem) &&
		add_retention(web, lang, request, session, page, &row, problem) &&
		add_history(web, lang, request, page, history, history_status) &&
		add_weighing(web, lang, request, context, page, report, row.form_bits);
	/* after a form: what was done, said at the top (the page itself may look the same) */
	static const char *const done_values[] = {"answer", "note", "assign", "status", "refer", "keep", NULL};
	const char *done = problem ? NULL : http_field(request, "done");
	if (built && done && web_value_index(done_values, done) >= 0) {
		char key[40];
		snprintf(key, sizeof key, "case_done_%s", done);
		built = put(page, "done", json_string(web_text(web, lang, key)));
	}
	if (built && problem) {
		built = put(page, "error_field", json_string(problem->field)) &&
			put(page, "error", json_string(web_text(web, lang, problem->key))) &&
			(!problem->answer || put(page, "typed_answer", json_string(problem->answer))) &&
			(!problem->note || put(page, "typed_note", json_string(problem->note))) &&
			web_add_error(web, lang, context, problem->field, web_text(web, lang, problem->key)) != NULL;
		if (built) {
			/* "error_answer_body": a name the template can test */
			char flag[40];
			snprintf(flag, sizeof flag, "error_%s", problem->field);
			for (char *p = flag; *p; p++)
				*p = *p == '-' ? '_' : *p;
			built = put(page, flag, json_true());
		}
	}
	json_decref(report);
	json_decref(notes);
	json_decref(referrals);
	json_decref(history);
	free(accounts.items);
	if (!built || !context || json_object_set_new(context, "page", page)) {
		if (!built || !context)
			json_decref(page);
		json_decref(context);
		context = NULL;
	}
	web_render_secret(web, "team_case", context, problem ? problem->status : 200, reply);
}

/* GET /team/zaak?ref=REF */
void web_cases_case(struct web *web, enum kb_lang lang, const struct http_request *request,
		    const struct staff_session *session, struct http_reply *reply)
{
	render_case(web, lang, request, session, http_field(request, "ref"), NULL, reply);
}

/* The ref a case form was sent for, and where to go back to after it: the form carries the case
 * page's own address ("back"), which must be exactly the address of that case in this language. */
static const char *form_case(struct web *web, enum kb_lang lang, const struct http_request *request,
			     const char **back_out)
{
	const char *ref = http_form_field(request, "ref");
	const char *back = http_form_field(request, "back");
	if (!ref_valid(ref) || !back)
		return NULL;
	char expected[200];
	snprintf(expected, sizeof expected, "%s/team/%s?ref=%s", web_lang_prefix(lang), web_text(web, lang, "case_path"),
		 ref);
	if (strcmp(back, expected) != 0)
		return NULL;
	*back_out = back;
	return ref;
}

/* The outcome of case.c for a form: 303 back to the case page, or the page again with the problem. */
static void finish(struct web *web, enum kb_lang lang, const struct http_request *request,
		   const struct staff_session *session, const char *ref, const char *back, int result,
		   struct case_problem *problem, struct http_reply *reply)
{
	switch (result) {
	case CASE_OK:
		/* back to the case page, which says what was done (a status message, not only a changed page) */
		reply->status = 303;
		snprintf(reply->location, sizeof reply->location, "%s&done=%s", back, problem->done);
		return;
	case CASE_NOT_FOUND:
		web_error_page(web, request, 404, reply);
		return;
	case CASE_FORBIDDEN:
		problem->status = 403;
		if (!problem->key)
			problem->key = "case_error_forbidden";
		break;
	case CASE_REFUSED:
		problem->status = 409;
		if (!problem->key)
			problem->key = "case_error_refused";
		break;
	case CASE_BAD_INPUT:
		problem->status = 400;
		if (!problem->key)
			problem->key = "case_error_input";
		break;
	case CASE_CHANGED:
		problem->status = 409;
		problem->key = "case_error_changed";
		break;
	case CASE_TOO_MANY:
		problem->status = 409;
		problem->key = "case_error_too_many";
		break;
	case CASE_NO_CONSENT:
		problem->status = 409;
		if (!problem->key)
			problem->key = "case_error_no_consent";
		break;
	case CASE_NOT_AUDITED:
		/* done, but not on the audit log: that must be said, not hidden behind a redirect */
		problem->status = 500;
		problem->key = "case_error_not_audited";
		problem->answer = problem->note = NULL;
		problem->typed = NULL;
		break;
	default:
		web_error_page(web, request, 500, reply);
		return;
	}
	render_case(web, lang, request, session, ref, problem, reply);
}

/* The start of every case form: the case and its address, and a form that can be read. */
/* A number of 1 to `max` digits as sent in an address: no sign, no leading zero. */
static bool read_number(const char *text, unsigned max, unsigned *out)
{
	*out = 0;
	if (!text || *text < '1' || *text > '9' || strlen(text) > 6)
		return false;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		*out = *out * 10 + (unsigned)(*p - '0');
	}
	return *out <= max;
}

static const char *begin_with(struct web *web, enum kb_lang lang, const struct http_request *request,
			      const char *const *repeatable, const char **back, struct http_reply *reply)
{
	const char *ref = form_case(web, lang, request, back);
	if (!ref || request->form_invalid || http_form_repeated(request, repeatable)) {
		web_error_page(web, request, 400, reply);
		return NULL;
	}
	return ref;
}

static const char *begin(struct web *web, enum kb_lang lang, const struct http_request *request, const char **back,
			 struct http_reply *reply)
{
	static const char *const repeatable[] = {NULL};
	return begin_with(web, lang, request, repeatable, back, reply);
}

static bool blank(const char *text)
{
	return !text || text[strspn(text, " \t\r\n")] == '\0';
}

/* POST /team/zaak/antwoord: an answer the reporter reads at follow-up. */
void web_cases_answer(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply)
{
	const char *back = NULL, *ref = begin(web, lang, request, &back, reply);
	if (!ref)
		return;
	const char *body = http_form_field(request, "body");
	struct case_problem problem = {.field = "answer-body", .answer = body, .done = "answer"};
	int result;
	if (blank(body)) {
		problem.key = "case_error_answer_empty";
		result = CASE_BAD_INPUT;
	} else if (strlen(body) > REPORT_MESSAGE_CAP) {
		problem.key = "case_error_too_long";
		result = CASE_BAD_INPUT;
	} else {
		struct case_actor actor = actor_of(session);
		result = case_answer(web->reporting, &actor, session->team_secret, ref, body, request->now);
		if (result == CASE_REFUSED)
			problem.key = "case_error_answer_closed";
	}
	finish(web, lang, request, session, ref, back, result, &problem, reply);
}

/* POST /team/zaak/notitie: an internal note, never shown to the reporter. */
void web_cases_note(struct web *web, enum kb_lang lang, const struct http_request *request,
		    const struct staff_session *session, struct http_reply *reply)
{
	const char *back = NULL, *ref = begin(web, lang, request, &back, reply);
	if (!ref)
		return;
	const char *text = http_form_field(request, "text");
	struct case_problem problem = {.field = "note-text", .note = text, .done = "note"};
	int result;
	if (blank(text)) {
		problem.key = "case_error_note_empty";
		result = CASE_BAD_INPUT;
	} else if (strlen(text) > CASE_NOTE_CAP) {
		problem.key = "case_error_too_long";
		result = CASE_BAD_INPUT;
	} else {
		struct case_actor actor = actor_of(session);
		result = case_add_note(web->reporting, &actor, session->team_secret, ref, text, request->now);
	}
	finish(web, lang, request, session, ref, back, result, &problem, reply);
}

/* POST /team/zaak/toewijzen: a coordinator gives the case to someone, or to nobody. */
void web_cases_assign(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply)
{
	const char *back = NULL, *ref = begin(web, lang, request, &back, reply);
	if (!ref)
		return;
	const char *name = http_form_field(request, "account");
	struct case_problem problem = {.field = "assign-account", .done = "assign"};
	int64_t account_id = 0;
	int result = CASE_OK;
	if (name && *name) {
		struct db_staff_account account;
		int found = staff_name_valid(name) ? db_staff_get(web->reporting->db, name, &account) : 1;
		account_id = found == 0 ? account.id : 0;
		if (found == 0)
			crypt_wipe(&account, sizeof account); /* wrapped secrets only, but no copies lie about */
		result = found < 0 ? -1 : found == 1 ? CASE_BAD_INPUT : CASE_OK;
		if (found == 1)
			problem.key = "case_error_assign_account";
	}
	if (result == CASE_OK) {
		struct case_actor actor = actor_of(session);
		result = case_assign(web->reporting, &actor, ref, account_id, request->now);
		if (result == CASE_FORBIDDEN)
			problem.key = "case_error_assign_forbidden";
		else if (result == CASE_BAD_INPUT)
			problem.key = "case_error_assign_account";
		else if (result == CASE_REFUSED)
			problem.key = "case_error_assign_closed";
	}
	finish(web, lang, request, session, ref, back, result, &problem, reply);
}

/* POST /team/zaak/status: take on, close (with a reason from the list) or reopen. */
void web_cases_status(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply)
{
	const char *back = NULL, *ref = begin(web, lang, request, &back, reply);
	if (!ref)
		return;
	const char *to = http_form_field(request, "to");
	const char *reason = http_form_field(request, "reason");
	struct case_problem problem = {.field = "status-to", .to = to, .done = "status"};
	bool closing = to && strcmp(to, "closed") == 0;
	int result;
	if (!to || (strcmp(to, "in_progress") != 0 && !closing)) {
		problem.key = "case_error_step";
		result = CASE_BAD_INPUT;
	} else if (closing && (!reason || web_value_index(closing_reasons, reason) < 0)) {
		problem.key = "case_error_reason";
		problem.field = "status-reason";
		result = CASE_BAD_INPUT;
	} else {
		struct case_settings settings = web->config->cases; /* [cases] */
		struct case_actor actor = actor_of(session);
		result = case_set_status(web->reporting, &settings, &actor, ref, to, closing ? reason : NULL, request->now);
		if (result == CASE_FORBIDDEN)
			problem.key = closing ? "case_error_close_forbidden" : "case_error_forbidden";
		else if (result == CASE_REFUSED)
			problem.key = "case_error_step_refused";
	}
	finish(web, lang, request, session, ref, back, result, &problem, reply);
}

/* POST /team/zaak/doorverwijzen: a referral record (to whom, which categories of information, the
 * person's consent, an override with its reason). Nothing is sent: the hand-over page is printed. */
void web_cases_refer(struct web *web, enum kb_lang lang, const struct http_request *request,
		     const struct staff_session *session, struct http_reply *reply)
{
	static const char *const repeatable[] = {"category", NULL};
	const char *back = NULL, *ref = begin_with(web, lang, request, repeatable, &back, reply);
	if (!ref)
		return;
	const char *partner = http_form_field(request, "partner");
	const char *consent = http_form_field(request, "consent");
	const char *override = http_form_field(request, "override");
	const char *reason = http_form_field(request, "reason");
	override = override && *override ? override : NULL;
	reason = blank(reason) ? NULL : reason;
	unsigned categories = 0;
	bool unknown = false;
	for (size_t i = 0; i < request->form_count; i++) {
		if (strcmp(request->form[i].key, "category") != 0)
			continue;
		int bit = web_value_index(category_values, request->form[i].value);
		if (bit < 0)
			unknown = true;
		else
			categories |= 1u << (unsigned)bit;
	}
	struct case_problem problem = {.field = "refer-partner", .typed = request, .done = "refer"};
	int result = CASE_BAD_INPUT;
	/* each problem in words of its own, on the field it is about; case.c decides the rest */
	if (!partner || web_value_index(partner_values, partner) < 0) {
		problem.key = "case_error_partner";
	} else if (!categories || unknown) {
		problem.key = "case_error_categories";
		problem.field = "refer-category-summary";
	} else if (!consent || web_value_index(consent_values, consent) < 0) {
		problem.key = "case_error_consent";
		problem.field = "refer-consent-given";
	} else if (override && !(session->roles & STAFF_ROLE_COORDINATOR)) {
		problem.key = "case_error_override_forbidden";
		problem.field = "refer-category-summary";
		result = CASE_FORBIDDEN;
	} else if ((override && web_value_index(override_values, override) < 0) || (reason && !override)) {
		problem.key = "case_error_override_choose";
		problem.field = "refer-override-none";
	} else if (override && (strcmp(consent, "given") == 0 || !(categories & ~(unsigned)CASE_INFO_ANONYMISED))) {
		problem.key = "case_error_override_needless";
		problem.field = "refer-override-none";
	} else if (override && (!reason || strlen(reason) < CASE_REASON_MIN)) {
		problem.key = "case_error_override_reason";
		problem.field = "refer-reason";
	} else if (reason && strlen(reason) > CASE_NOTE_CAP) {
		problem.key = "case_error_too_long";
		problem.field = "refer-reason";
	} else {
		struct case_referral referral = {partner, categories, consent, override, reason};
		struct case_actor actor = actor_of(session);
		result = case_refer(web->reporting, &actor, session->team_secret, ref, &referral, request->now);
		if (result == CASE_NO_CONSENT) {
			problem.key = "case_error_no_consent";
			problem.field = "refer-category-summary";
		} else if (result == CASE_FORBIDDEN && override) {
			problem.key = "case_error_override_forbidden";
			problem.field = "refer-category-summary";
		} else if (result == CASE_REFUSED) {
			problem.key = "case_error_refer_refused";
		}
	}
	finish(web, lang, request, session, ref, back, result, &problem, reply);
}

/* The form bits of "sexual,labour" as the cases table keeps them (bit 3: unknown). */
static unsigned form_bits_of(const char *ids)
{
	unsigned bits = 0;
	while (ids && *ids) {
		size_t len = strcspn(ids, ",");
		for (size_t f = 0; web_form_values[f]; f++) {
			if (strlen(web_form_values[f]) == len && strncmp(ids, web_form_values[f], len) == 0)
				bits |= 1u << f;
		}
		ids += len;
		if (*ids == ',')
			ids++;
	}
	return bits;
}

/* GET /team/zaak/overdracht?ref=REF&n=N: the hand-over page of the case's N-th referral, to print or
 * hand over by the caseworker. It shows only the categories the referral recorded (case_handover);
 * opening it is on the audit log. */
void web_cases_handover(struct web *web, enum kb_lang lang, const struct http_request *request,
			const struct staff_session *session, struct http_reply *reply)
{
	const char *ref = http_field(request, "ref");
	unsigned number;
	if (!ref_valid(ref) || !read_number(http_field(request, "n"), 1000, &number)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	struct case_actor actor = actor_of(session);
	json_t *handover = NULL;
	int result = session->team_secret ? case_handover(web->reporting, &actor, session->team_secret, ref, number,
							  request->now, &handover)
					  : -1;
	if (result != CASE_OK) {
		web_error_page(web, request, result == CASE_NOT_FOUND ? 404 : result == CASE_FORBIDDEN ? 403 : 500, reply);
		return;
	}
	json_t *referral = json_object_get(handover, "referral");
	json_t *report = json_object_get(handover, "report");
	char query[DB_REF_SIZE + 24], back[200];
	snprintf(query, sizeof query, "ref=%s&n=%u", ref, number);
	snprintf(back, sizeof back, "%s/team/%s?ref=%s", web_lang_prefix(lang), web_text(web, lang, "case_path"), ref);
	json_t *context = team_page(web, lang, session, "case_path_handover", query, "case_handover_title");
	json_t *page = json_object();
	const char *partner = json_string_value(json_object_get(referral, "partner"));
	const char *consent = json_string_value(json_object_get(referral, "consent"));
	const char *override = json_string_value(json_object_get(referral, "override"));
	char title[300];
	web_fill_in(web_text(web, lang, "case_handover_heading"), "{partner}", text_for(web, lang, "case_partner_", partner),
		    title, sizeof title);
	json_t *listed = json_pack("[O]", referral);
	bool built = context && page && listed && add_referrals(web, lang, request, page, listed) &&
		     put(page, "ref", json_string(ref)) && put(page, "back", json_string(back)) &&
		     put(page, "heading", json_string(title)) &&
		     put(page, "consent_given", json_boolean(consent && strcmp(consent, "given") == 0)) &&
		     (!override || put(page, "override", json_true())) &&
		     put(page, "kind", json_string(text_for(web, lang, "case_kind_",
							   json_string_value(json_object_get(report, "kind")))));
	json_t *shown = json_array_get(json_object_get(page, "referrals"), 0);
	char recorded[80];
	/* on paper the year counts: the page may be read long after */
	web_day_in_words(web, lang, json_string_value(json_object_get(referral, "day")), true, web_now(web, request),
			 recorded, sizeof recorded);
	built = built && shown && put(shown, "day_words", json_string(recorded)) && put(page, "referral", json_incref(shown));
	const char *month = json_string_value(json_object_get(report, "month"));
	if (built && month && strlen(month) == 7) {
		/* "november 2026": the month of receipt, no day */
		unsigned m = (unsigned)((month[5] - '0') * 10 + (month[6] - '0'));
		char key[16], words[80];
		snprintf(key, sizeof key, "month_%u", m >= 1 && m <= 12 ? m : 1);
		snprintf(words, sizeof words, "%s %.4s", web_text(web, lang, key), month);
		const char *relation = json_string_value(json_object_get(report, "relation"));
		built = put(page, "summary", json_pack("{s:s}", "month", words)) &&
			(!relation || put(json_object_get(page, "summary"), "relation",
					  json_string(text_for(web, lang, "relation_", relation))));
	}
	if (built && json_object_get(report, "signals")) {
		built = put(page, "show_signals", json_true()) &&
			put(page, "forms", forms_in_words(web, lang,
							  form_bits_of(json_string_value(json_object_get(report, "forms"))))) &&
			add_weighing(web, lang, request, context, page, report,
				     form_bits_of(json_string_value(json_object_get(report, "forms"))));
	}
	/* the narrative, the person, the contact details: the report object holds what the categories allow */
	bool contact = false;
	size_t index;
	json_t *category;
	json_array_foreach(json_object_get(referral, "categories"), index, category)
		contact = contact || strcmp(json_string_value(category), "contact") == 0;
	bool fields = json_object_get(report, "what") || json_object_get(report, "who") || json_object_get(report, "where");
	json_t *copy = built ? json_deep_copy(report) : NULL;
	if (copy)
		json_object_del(copy, "relation"); /* said in the summary, not as the reporter's words */
	built = copy && add_narrative(web, lang, page, copy) && put(page, "show_fields", json_boolean(fields)) &&
		put(page, "show_contact", json_boolean(contact));
	json_decref(copy);
	if (built && json_object_get(report, "messages"))
		built = put(page, "show_messages", json_true()) && add_messages(web, lang, request, page, report);
	json_decref(listed);
	json_decref(handover);
	if (!built || !context || json_object_set_new(context, "page", page)) {
		if (!built || !context)
			json_decref(page);
		json_decref(context);
		context = NULL;
	}
	web_render_secret(web, "team_case_handover", context, 200, reply);
}

/* POST /team/zaak/bewaren: a coordinator keeps a closed case longer (months, with a written reason). */
void web_cases_retention(struct web *web, enum kb_lang lang, const struct http_request *request,
			 const struct staff_session *session, struct http_reply *reply)
{
	const char *back = NULL, *ref = begin(web, lang, request, &back, reply);
	if (!ref)
		return;
	const char *reason = http_form_field(request, "reason");
	struct case_problem problem = {.field = "retention-months", .typed = request, .done = "keep"};
	unsigned months;
	int result = CASE_BAD_INPUT;
	if (!read_number(http_form_field(request, "months"), 120, &months)) {
		problem.key = "case_error_months";
	} else if (blank(reason) || strlen(reason) < CASE_REASON_MIN) {
		problem.key = "case_error_retention_reason";
		problem.field = "retention-reason";
	} else if (strlen(reason) > CASE_NOTE_CAP) {
		problem.key = "case_error_too_long";
		problem.field = "retention-reason";
	} else {
		struct case_actor actor = actor_of(session);
		result = case_extend_retention(web->reporting, &actor, session->team_secret, ref, months, reason,
					       request->now);
		if (result == CASE_FORBIDDEN)
			problem.key = "case_error_retention_forbidden";
		else if (result == CASE_REFUSED)
			problem.key = "case_error_retention_refused";
	}
	finish(web, lang, request, session, ref, back, result, &problem, reply);
}

/* ---- phone intake ---- */

/* The report form's page (web_report.c makes it, with the same fields and checks) as a team page: the
 * other language's own address, the session's CSRF token (the router checks it), the intake's words. */
static json_t *intake_page(struct web *web, enum kb_lang lang, const struct staff_session *session, json_t *context)
{
	enum kb_lang other = lang == KB_LANG_NL ? KB_LANG_EN : KB_LANG_NL;
	char alt[200];
	snprintf(alt, sizeof alt, "%s/team/%s", web_lang_prefix(other), web_text(web, other, "intake_path"));
	json_t *page = json_object_get(context, "page");
	context = web_team_context(context, session);
	if (!context || !page || !put(context, "alt_url", json_string(alt)) ||
	    !put(page, "csrf", json_string(session->csrf)) || !put(page, "intake", json_true())) {
		json_decref(context);
		return NULL;
	}
	return context;
}

/* GET /team/telefoon: the report form for a call, empty. */
void web_cases_intake_form(struct web *web, enum kb_lang lang, const struct http_request *request,
			   const struct staff_session *session, struct http_reply *reply)
{
	json_t *context = web_report_form_page(web, lang, request, "/team/", "intake_title");
	web_render(web, "team_intake", intake_page(web, lang, session, context), 200, reply);
}

/* The receipt in groups of five, each spelled out sign by sign, for reading it out slowly. */
static json_t *receipt_groups(const char *receipt)
{
	json_t *groups = json_array();
	for (int g = 0; groups && g < 4; g++) {
		char spelled[16];
		const char *group = receipt + 6 * g;
		snprintf(spelled, sizeof spelled, "%c %c %c %c %c", group[0], group[1], group[2], group[3], group[4]);
		json_t *item = json_pack("{s:i, s:s%, s:s}", "n", g + 1, "group", group, (size_t)5, "spelled", spelled);
		crypt_wipe(spelled, sizeof spelled);
		if (!item || json_array_append_new(groups, item)) {
			json_decref(groups);
			return NULL;
		}
	}
	return groups;
}

/* The page after a call was recorded: the receipt to read out, and how the caller follows up. */
static void render_intake_receipt(struct web *web, enum kb_lang lang, const struct http_request *request,
				  const struct staff_session *session,
				  const char *receipt, const char *ref, bool not_audited, struct http_reply *reply)
{
	json_t *context = team_page(web, lang, session, "intake_path", NULL, "intake_receipt_title");
	json_t *page = json_object();
	const struct kb_channel *essm = kb_channel_by_id(web->kb, "essm"); /* kb_load() guarantees it */
	char call[300], case_url[200];
	web_fill_in(web_text(web, lang, "intake_receipt_phone"), "{phone}", essm->phone_display, call, sizeof call);
	snprintf(case_url, sizeof case_url, "%s/team/%s?ref=%s", web_lang_prefix(lang), web_text(web, lang, "case_path"), ref);
	bool built = context && page && put(page, "receipt", json_string(receipt)) &&
		     put(page, "groups", receipt_groups(receipt)) && put(page, "call", json_string(call)) &&
		     (!ref[0] || put(page, "case_url", json_string(case_url)));
	if (built && web_poster_url_is_public(web->config)) {
		char url[CONFIG_TEXT_SIZE + 32];
		snprintf(url, sizeof url, "%s%s/opvolgen", web->config->public_base_url, web_lang_prefix(lang));
		built = put(page, "followup_address", json_string(url));
	}
	if (built && not_audited)
		built = web_add_error(web, lang, context, NULL, web_text(web, lang, "intake_error_not_audited")) != NULL;
	if (!built || !context || json_object_set_new(context, "page", page)) {
		if (!built || !context)
			json_decref(page);
		json_decref(context);
		context = NULL;
	}
	(void)request;
	web_render_secret(web, "team_intake_receipt", context, 201, reply);
}

/* A form's single-use submission key as the report form makes it: 32 lower-case hex characters. */
static bool submission_key_shape(const char *key)
{
	return key && strlen(key) == CRYPT_SUBMISSION_KEY_SIZE - 1 &&
	       strspn(key, "0123456789abcdef") == CRYPT_SUBMISSION_KEY_SIZE - 1;
}

/* POST /team/telefoon: the call as a report or consultation, source "phone"; then its receipt. */
void web_cases_intake(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply)
{
	static const char *const repeatable[] = {"form", "signal", NULL};
	if (request->form_invalid || http_form_repeated(request, repeatable)) {
		json_t *context = web_report_form_page(web, lang, request, "/team/", "intake_title");
		if (context && !web_add_error(web, lang, context, NULL, web_text(web, lang, "intake_error_generic"))) {
			json_decref(context);
			context = NULL;
		}
		web_render_secret(web, "team_intake", intake_page(web, lang, session, context), 400, reply);
		return;
	}
	struct report_input input;
	json_t *again = NULL;
	if (web_report_form_read(web, lang, request, "/team/", "intake_title", &input, &again) != 0) {
		/* what the caller said stays in the form, each problem on its field */
		web_render_secret(web, "team_intake", intake_page(web, lang, session, again), 400, reply);
		return;
	}
	char receipt[CRYPT_RECEIPT_TEXT_SIZE], ref[DB_REF_SIZE];
	const char *key = http_form_field(request, "submission");
	struct case_actor actor = actor_of(session);
	int result = case_intake_phone(web->reporting, &actor, &input, submission_key_shape(key) ? key : NULL,
				       request->now, receipt, ref);
	report_input_release(&input);
	if (result == CASE_OK || result == CASE_NOT_AUDITED) {
		render_intake_receipt(web, lang, request, session, receipt, ref, result == CASE_NOT_AUDITED, reply);
		crypt_wipe(receipt, sizeof receipt);
	} else if (result == CASE_REFUSED) {
		/* sent before (Back or reload after the receipt): stored once, and its receipt is not shown again */
		json_t *context = team_page(web, lang, session, "intake_path", NULL, "intake_sent_title");
		if (context && !put(context, "page", json_pack("{s:b}", "sent_before", 1))) {
			json_decref(context);
			context = NULL;
		}
		web_render(web, "team_intake_receipt", context, 409, reply);
	} else if (result == CASE_FORBIDDEN) {
		web_error_page(web, request, 403, reply);
	} else {
		json_t *context = web_report_form_page(web, lang, request, "/team/", "intake_title");
		if (context && !web_add_error(web, lang, context, NULL, web_text(web, lang, "intake_error_storage"))) {
			json_decref(context);
			context = NULL;
		}
		web_render_secret(web, "team_intake", intake_page(web, lang, session, context), 500, reply);
	}
}
