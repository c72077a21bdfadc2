/*
 * route: from a situation to an ordered list of channels to contact, each
 * with a reason in the situation's language and its state at that moment.
 *
 * Order: with acute danger 112 comes first and the answer is urgent. Then the
 * channel for the person's main stated need (anonymity unless a professional;
 * Veilig Thuis for a professional who reports a possible minor (meldcode);
 * help for oneself, advice or reporting a victim; labour signals; else the
 * police), then Veilig Thuis for a professional who works with children, then
 * every other channel for the situation, with Veilig Thuis before the police
 * whenever the person may be under 18. A channel that is closed at that moment never stays first: the
 * first channel that is open (else one whose hours are unknown) moves before
 * it. A closed channel's reason says when it opens and what can be reached
 * now; one that closes within ROUTE_CLOSES_SOON_SECONDS says so and what comes
 * after. Outside the Rotterdam region ESSM is left out and the police's reason
 * says why.
 *
 * The sentences come from `texts` (web/strings.json, checked at start with
 * text_check()); texts are only read.
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
#include "texts.h"

#define ROUTE_REASON_SIZE 1024
#define ROUTE_CLOSES_SOON_SECONDS (30 * 60)

struct route_recommendation {
	const struct kb_channel *channel;
	struct channel_state state;
	bool closes_soon;              /* open now, closes within ROUTE_CLOSES_SOON_SECONDS */
	char reason[ROUTE_REASON_SIZE];
};

struct route_result {
	bool urgent;
	struct route_recommendation items[KB_MAX_CHANNELS];
	size_t count;
};

/* `now` is used when the situation names no time. */
void route_for_situation(const struct kb *kb, const struct texts *texts, const struct situation *situation,
			 int64_t now, struct route_result *out);

/* The state sentence for a channel at a moment ("Available now, until 22:00."). */
void route_describe_state(const struct texts *texts, const struct kb_channel *channel, struct channel_state state,
			  int64_t now, enum kb_lang lang, char *out, size_t size);

/* For a channel that is open and closes soon: "Available for 15 more minutes, until 22:00." */
void route_describe_closing(const struct texts *texts, struct channel_state state, int64_t now, enum kb_lang lang,
			    char *out, size_t size);

#endif
