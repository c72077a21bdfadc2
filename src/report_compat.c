/* Kept for web.c until the router refactor: the report functions that web.c
 * and web_report.c call today, with the clock read here. This file is the
 * only place in report that reads the clock; once the web layer passes
 * http_request.now to the *_at versions, it goes. */
#include "report.h"

#include <time.h>

static int64_t clock_now(void)
{
	return (int64_t)time(NULL);
}

int report_submit(struct reporting *reporting, const struct report_input *input, char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	return report_submit_at(reporting, input, clock_now(), receipt);
}

int report_submit_once(struct reporting *reporting, const struct report_input *input, const char *submission_key,
		       char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	return report_submit_once_at(reporting, input, submission_key, clock_now(), receipt);
}

int report_login(struct reporting *reporting, const char *typed_receipt, char token[REPORT_TOKEN_SIZE])
{
	return report_login_at(reporting, typed_receipt, clock_now(), token);
}

int report_followup(struct reporting *reporting, const char *token, json_t **out)
{
	return report_followup_at(reporting, token, clock_now(), out);
}

int report_reply(struct reporting *reporting, const char *token, const char *body)
{
	return report_reply_at(reporting, token, body, clock_now());
}
