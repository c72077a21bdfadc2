/*
 * route: from a situation to an ordered list of channels to contact, each
 * with a reason in the situation's language and its state at that moment.
 *
 * Order: with acute danger 112 comes first and the answer is urgent. Then the
 * channel for the person's main stated need (anonymity, then advice or
 * reporting a victim, then labour signals, else the police), then every other
 * channel the leaflet names for the situation. Outside the Rotterdam region
 * ESSM is left out and the police's reason says why; when ESSM is closed its
 * reason says when it opens and what can be reached now.
 *
 * Pure: no I/O, no globals; the result holds pointers into the kb.
 */
#ifndef MELDWIJZER_ROUTE_H
#define MELDWIJZER_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hours.h"
#include "kb.h"
#include "situation.h"

#define ROUTE_REASON_SIZE 1024

struct route_recommendation {
	const struct kb_channel *channel;
	struct channel_state state;
	char reason[ROUTE_REASON_SIZE];
};

struct route_result {
	bool urgent;
	struct route_recommendation items[KB_MAX_CHANNELS];
	size_t count;
};

/* `now` is used when the situation names no time. */
void route_for_situation(const struct kb *kb, const struct situation *situation, int64_t now,
			 struct route_result *out);

/* The state sentence for a channel at a moment ("Available now, until 22:00."). */
void route_describe_state(const struct kb_channel *channel, struct channel_state state, int64_t now,
			  enum kb_lang lang, char *out, size_t size);

#endif
