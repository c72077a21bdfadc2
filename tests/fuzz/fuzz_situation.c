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
		route_for_situation(&kb, situation, 1795863600, &route);
		if (route.count == 0 || (situation->acute_danger && route.items[0].channel != kb_channel_by_id(&kb, "112")))
			abort();
		struct assess_result assessment;
		if (assess_signals(&kb, situation->signals, situation->signal_count, situation->minor, &assessment) == 0) {
			json_decref(contract_route_json(&kb, &route, &assessment, situation->lang));
			assess_result_release(&assessment);
		}
	}
	free(situation);
	struct assess_request request;
	if (assess_request_from_json(&kb, (const char *)data, size, &request, error) == 0) {
		struct assess_result assessment;
		if (assess_signals(&kb, request.signals, request.signal_count, request.minor, &assessment) == 0)
			assess_result_release(&assessment);
	}
	return 0;
}
