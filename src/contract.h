/*
 * contract: the JSON answers of meldwijzer (route, assess, signals, contacts)
 * exactly as README.md documents them. The command line and the web API both
 * call these, so an answer is the same everywhere.
 *
 * Each function returns a new jansson value that the caller owns
 * (json_decref), or NULL when memory runs out.
 */
#ifndef MELDWIJZER_CONTRACT_H
#define MELDWIJZER_CONTRACT_H

#include <jansson.h>
#include <stdint.h>

#include "assess.h"
#include "kb.h"
#include "route.h"

json_t *contract_route_json(const struct kb *kb, const struct route_result *route,
			    const struct assess_result *assessment /* or NULL */, enum kb_lang lang);
json_t *contract_assessment_json(const struct kb *kb, const struct assess_result *assessment, enum kb_lang lang);
/* forms: bit mask of kb_form to include (all: (1 << KB_FORM_COUNT) - 1). */
json_t *contract_signals_json(const struct kb *kb, unsigned forms, enum kb_lang lang);
/* `texts`: for each channel's "hours" sentence (route_describe_state). */
json_t *contract_contacts_json(const struct kb *kb, const struct texts *texts, int64_t at, enum kb_lang lang);

#endif
