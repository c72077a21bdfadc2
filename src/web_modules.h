/*
 * The entry points of the website's page modules, side by side under the
 * router (web.c), which names each of them in its one route table. Every
 * function here is a web_handler (web_page.h); those of blocking routes run
 * in a worker thread. Modules include this header for web_page.h, never to
 * call each other.
 */
#ifndef MELDWIJZER_WEB_MODULES_H
#define MELDWIJZER_WEB_MODULES_H

#include "web_page.h"

/* web_static.c: files under web/static, read once at start, served with an ETag. */
int web_static_load(struct web *web, const char *dir, char *error, size_t error_size);
void web_static_release(struct web *web);
void web_static_file(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);

/* web_public.c: pages that only show. */
void web_page_home(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_page_definition(struct web *web, enum kb_lang lang, const struct http_request *request,
			 struct http_reply *reply);
void web_page_contacts(struct web *web, enum kb_lang lang, const struct http_request *request,
		       struct http_reply *reply);
void web_page_privacy(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_page_poster(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_page_traces(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_page_colophon(struct web *web, enum kb_lang lang, const struct http_request *request,
		       struct http_reply *reply);
void web_page_accessibility(struct web *web, enum kb_lang lang, const struct http_request *request,
			    struct http_reply *reply);

/* web_guide.c and web_signals.c: answers by GET (old links) or POST. */
void web_page_guide(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_page_signals(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_page_signals_result(struct web *web, enum kb_lang lang, const struct http_request *request,
			     struct http_reply *reply);

/* web_api.c: the public JSON API. */
void web_api_route(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_api_assess(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_api_signals(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_api_contacts(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_api_health(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);

/* web_report.c: online reporting and follow-up, HTML and JSON. */
void web_report_form(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_report_submit(struct web *web, enum kb_lang lang, const struct http_request *request,
		       struct http_reply *reply);
void web_report_code_file(struct web *web, enum kb_lang lang, const struct http_request *request,
			  struct http_reply *reply);
void web_report_saved(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply);
void web_followup_form(struct web *web, enum kb_lang lang, const struct http_request *request,
		       struct http_reply *reply);
void web_followup_open(struct web *web, enum kb_lang lang, const struct http_request *request,
		       struct http_reply *reply);
void web_followup_message(struct web *web, enum kb_lang lang, const struct http_request *request,
			  struct http_reply *reply);
void web_api_report_submit(struct web *web, enum kb_lang lang, const struct http_request *request,
			   struct http_reply *reply);
void web_api_followup_login(struct web *web, enum kb_lang lang, const struct http_request *request,
			    struct http_reply *reply);
void web_api_followup_read(struct web *web, enum kb_lang lang, const struct http_request *request,
			   struct http_reply *reply);
void web_api_followup_message(struct web *web, enum kb_lang lang, const struct http_request *request,
			      struct http_reply *reply);
void web_withdraw_form(struct web *web, enum kb_lang lang, const struct http_request *request,
		       struct http_reply *reply);
void web_withdraw_submit(struct web *web, enum kb_lang lang, const struct http_request *request,
			 struct http_reply *reply);
void web_api_withdraw(struct web *web, enum kb_lang lang, const struct http_request *request,
		      struct http_reply *reply);
/* The report form's fields, values and checks, shared with the phone intake (web_cases.c; template
 * partial "report_fields"): the page context of the form as typed so far (or empty) on `page_path`
 * with `title_key`; and the reading of a sent form: 0 with `input` filled (release it), or 1 with
 * *again the form's page context with its problems on their fields (NULL: out of memory). */
json_t *web_report_form_page(struct web *web, enum kb_lang lang, const struct http_request *request,
			     const char *page_path, const char *title_key);
int web_report_form_read(struct web *web, enum kb_lang lang, const struct http_request *request, const char *page_path,
			 const char *title_key, struct report_input *input, json_t **again);

/* web_staff.c: the back office (/team/); staff handlers get the session (web_page.h). */
const char *web_staff_cookie_name(const struct web *web);
/* The session token from the request's Cookie header (copied into `out`), or NULL. */
const char *web_staff_session_token(const struct web *web, const struct http_request *request, char *out, size_t size);
/* The sign-in form, with a problem (a strings.json key) or NULL. */
void web_staff_login_page(struct web *web, enum kb_lang lang, const struct http_request *request,
			  const char *error_key, unsigned status, struct http_reply *reply);
void web_staff_home(struct web *web, enum kb_lang lang, const struct http_request *request,
		    const struct staff_session *session, struct http_reply *reply);
void web_staff_login(struct web *web, enum kb_lang lang, const struct http_request *request,
		     const struct staff_session *session, struct http_reply *reply);
void web_staff_logout(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply);
/* Activating an account: name and activation code, then password and authenticator app (open to all). */
void web_staff_activate_form(struct web *web, enum kb_lang lang, const struct http_request *request,
			     const struct staff_session *session, struct http_reply *reply);
void web_staff_activate(struct web *web, enum kb_lang lang, const struct http_request *request,
			const struct staff_session *session, struct http_reply *reply);
/* Admin: the accounts, a new account, disable, reset 2FA; the audit log. */
void web_staff_accounts(struct web *web, enum kb_lang lang, const struct http_request *request,
			const struct staff_session *session, struct http_reply *reply);
void web_staff_account_form(struct web *web, enum kb_lang lang, const struct http_request *request,
			    const struct staff_session *session, struct http_reply *reply);
void web_staff_account_create(struct web *web, enum kb_lang lang, const struct http_request *request,
			      const struct staff_session *session, struct http_reply *reply);
void web_staff_account_disable(struct web *web, enum kb_lang lang, const struct http_request *request,
			       const struct staff_session *session, struct http_reply *reply);
void web_staff_account_reset(struct web *web, enum kb_lang lang, const struct http_request *request,
			     const struct staff_session *session, struct http_reply *reply);
void web_staff_audit(struct web *web, enum kb_lang lang, const struct http_request *request,
		     const struct staff_session *session, struct http_reply *reply);

/* web_cases.c: case work for the content roles (issue 15): the queue, the case page and its forms
 * (answer, internal note, assignment, status, referral), each form answered by 303 back to the case page. */
void web_cases_queue(struct web *web, enum kb_lang lang, const struct http_request *request,
		     const struct staff_session *session, struct http_reply *reply);
void web_cases_case(struct web *web, enum kb_lang lang, const struct http_request *request,
		    const struct staff_session *session, struct http_reply *reply);
void web_cases_answer(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply);
void web_cases_note(struct web *web, enum kb_lang lang, const struct http_request *request,
		    const struct staff_session *session, struct http_reply *reply);
void web_cases_assign(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply);
void web_cases_status(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply);
/* A referral (partner, categories, consent, override), and its printable hand-over page. */
void web_cases_refer(struct web *web, enum kb_lang lang, const struct http_request *request,
		     const struct staff_session *session, struct http_reply *reply);
void web_cases_handover(struct web *web, enum kb_lang lang, const struct http_request *request,
			const struct staff_session *session, struct http_reply *reply);
/* A closed case kept longer (coordinators; case.c checks the role). */
void web_cases_retention(struct web *web, enum kb_lang lang, const struct http_request *request,
			 const struct staff_session *session, struct http_reply *reply);
/* Phone intake: the report form for a call, and its receipt to read out. */
void web_cases_intake_form(struct web *web, enum kb_lang lang, const struct http_request *request,
			   const struct staff_session *session, struct http_reply *reply);
void web_cases_intake(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply);

#endif
