/* libFuzzer target: the situation and assess readers, then route and assess on
 * whatever they accept, against the real knowledge base. */
#include "with_real_kb.h"

#include "assess.h"
#include "contract.h"
#include "route.h"
#include "situation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char error[SITUATION_ERROR_SIZE];
	struct situation *situation = malloc(sizeof *situation);
	if (!situation)
		return 0;
	if (situation_from_json(&kb, (const char *)data, size, situation, error) == 0) {
		struct route_result route;
		route_for_situation(&kb, &texts, situation, 1795863600, &route);
		if (route.count == 0 || (situation->acute_danger && route.items[0].channel != kb_channel_by_id(&kb, "112")))
			abort();
		/* a closed channel is never first (after 112 in acute danger) */
		size_t first = situation->acute_danger ? 1 : 0;
		if (first < route.count && route.items[first].state.state == CHANNEL_STATE_CLOSED && route.count > first + 1 &&
		    route.items[first + 1].state.state != CHANNEL_STATE_CLOSED &&
		    route.items[first + 1].channel != kb_channel_by_id(&kb, "112"))
			abort();
		struct assess_result assessment;
		if (assess_signals(&kb, situation->signals, situation->signal_count, situation->age, situation->forms,
				   &assessment) == 0) {
			json_t *answer = contract_route_json(&kb, &route, &assessment, situation->lang);
			if (!answer)
				abort();
			json_decref(answer);
			assess_result_release(&assessment);
		}
	}
	free(situation);
	struct assess_request request;
	if (assess_request_from_json(&kb, (const char *)data, size, &request, error) == 0) {
		struct assess_result assessment;
		if (assess_signals(&kb, request.signals, request.signal_count, request.age, request.forms, &assessment) == 0)
			assess_result_release(&assessment);
	}
	return 0;
}
