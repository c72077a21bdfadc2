#include "route.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

enum role {
	ROLE_MAIN,  /* answers the person's main stated need */
	ROLE_OTHER, /* another channel the leaflet names for the situation */
};

struct routing {
	const struct kb *kb;
	const struct texts *texts;
	const struct situation *situation;
	int64_t at;
	struct route_result *out;
};

static bool wants(const struct situation *s, enum kb_form form)
{
	return (s->forms & (1u << form)) != 0;
}

static enum text_id lead_sentence(const struct routing *r, const char *id, enum role role)
{
	const struct situation *s = r->situation;
	if (strcmp(id, "112") == 0) {
		if (s->acute_danger)
			return T_REASON_112_ACUTE;
		return s->about_self ? T_REASON_112_LATER_SELF : T_REASON_112_LATER;
	}
	if (strcmp(id, "meldmisdaadanoniem") == 0) {
		if (s->works_with_children && !s->wants_anonymity)
			return T_REASON_MMA_PROFESSIONAL;
		if (s->about_self)
			return T_REASON_MMA_SELF;
		return s->wants_anonymity ? T_REASON_MMA_WANTED : T_REASON_MMA_OPTION;
	}
	if (strcmp(id, "essm") == 0) {
		if (s->about_self)
			return T_REASON_ESSM_SELF;
		if (s->wants_advice)
			return T_REASON_ESSM_ADVICE;
		return s->report_victim ? T_REASON_ESSM_REPORT : T_REASON_ESSM_OPTION;
	}
	if (strcmp(id, "nla") == 0)
		return s->about_self ? T_REASON_NLA_SELF : T_REASON_NLA_LABOUR;
	if (strcmp(id, "politie") == 0) {
		if (s->acute_danger)
			return T_REASON_POLITIE_AFTER_ACUTE;
		if (s->region == REGION_OTHER)
			return T_REASON_OUTSIDE_REGION;
		if (s->about_self)
			return T_REASON_POLITIE_SELF;
		return role == ROLE_MAIN ? T_REASON_POLITIE_MAIN : T_REASON_POLITIE_OPTION;
	}
	if (strcmp(id, "veiligthuis") == 0) {
		if (s->about_self)
			return T_REASON_VEILIGTHUIS_SELF;
		if (s->works_with_children)
			return T_REASON_VEILIGTHUIS_PROFESSIONAL;
		return s->age == KB_AGE_UNKNOWN ? T_REASON_VEILIGTHUIS_AGE_UNKNOWN : T_REASON_VEILIGTHUIS_MINOR;
	}
	return T_REASON_OTHER_CHANNEL;
}

void route_describe_state(const struct texts *texts, const struct kb_channel *channel, struct channel_state state,
			  int64_t now, enum kb_lang lang, char *out, size_t size)
{
	char moment[96];
	switch (state.state) {
	case CHANNEL_STATE_OPEN:
		if (state.closes_at < 0) {
			snprintf(out, size, "%s", text_get(texts, T_STATE_ALWAYS, lang));
		} else {
			text_clock(state.closes_at, moment, sizeof moment);
			(void)texts_fill(out, size, text_get(texts, T_STATE_OPEN_UNTIL, lang), "{clock}", moment, (char *)NULL);
		}
		break;
	case CHANNEL_STATE_CLOSED:
		text_moment(texts, now, state.opens_at, lang, moment, sizeof moment);
		(void)texts_fill(out, size, text_get(texts, T_STATE_CLOSED_OPENS, lang), "{moment}", moment, (char *)NULL);
		break;
	case CHANNEL_STATE_UNKNOWN:
	default:
		snprintf(out, size, "%s", text_get(texts, channel->url ? T_STATE_UNKNOWN_WITH_FORM : T_STATE_UNKNOWN, lang));
		break;
	}
}

void route_describe_closing(const struct texts *texts, struct channel_state state, int64_t now, enum kb_lang lang,
			    char *out, size_t size)
{
	char clock[8], minutes_text[16];
	text_clock(state.closes_at, clock, sizeof clock);
	int minutes = (int)((state.closes_at - now + 59) / 60);
	snprintf(minutes_text, sizeof minutes_text, "%d", minutes);
	(void)texts_fill(out, size, text_get(texts, minutes <= 1 ? T_STATE_CLOSES_IN_A_MINUTE : T_STATE_CLOSES_SOON, lang),
			 "{minutes}", minutes_text, "{clock}", clock, (char *)NULL);
}

static bool already_listed(const struct route_result *out, const struct kb_channel *channel)
{
	for (size_t i = 0; i < out->count; i++) {
		if (out->items[i].channel == channel)
			return true;
	}
	return false;
}

/* Appends the sentence `id` with a channel's number in its {phone} (skipped
 * when the knowledge base has no such channel). */
static void append_with_number(struct routing *r, char *out, size_t size, enum text_id id, const char *channel_id)
{
	const struct kb_channel *channel = kb_channel_by_id(r->kb, channel_id);
	size_t used = strlen(out);
	if (!channel || used + 1 >= size)
		return;
	out[used++] = ' ';
	(void)texts_fill(out + used, size - used, text_get(r->texts, id, r->situation->lang), "{phone}",
			 channel->phone_display, (char *)NULL);
}

static void append_text(struct routing *r, char *out, size_t size, enum text_id id)
{
	size_t used = strlen(out);
	if (used < size)
		snprintf(out + used, size - used, " %s", text_get(r->texts, id, r->situation->lang));
}

/* What can be reached while `channel` is closed (now = true) or after it
 * closes: the police's general number, Veilig Thuis day and night when the
 * person may be under 18, the anonymous form only for someone who wants
 * anonymity and is no professional under the meldcode, and 112. */
static void append_alternatives(struct routing *r, const struct kb_channel *channel, bool now, char *out, size_t size)
{
	const struct situation *s = r->situation;
	if (strcmp(channel->id, "politie") != 0)
		append_with_number(r, out, size, now ? T_ALT_POLITIE_NOW : T_ALT_POLITIE_AFTER, "politie");
	if (situation_possibly_minor(s->age) && strcmp(channel->id, "veiligthuis") != 0)
		append_with_number(r, out, size,
				   s->about_self		 ? T_ALT_VEILIGTHUIS_SELF
				   : s->age == KB_AGE_MINOR ? T_ALT_VEILIGTHUIS_MINOR
							    : T_ALT_VEILIGTHUIS,
				   "veiligthuis");
	if (s->wants_anonymity && !s->works_with_children && strcmp(channel->id, "meldmisdaadanoniem") != 0)
		append_text(r, out, size, T_ALT_MMA);
	if (!s->acute_danger)
		append_text(r, out, size, T_ALT_112);
}

static void add(struct routing *r, const char *id, enum role role)
{
	const struct kb_channel *channel = kb_channel_by_id(r->kb, id);
	if (!channel || already_listed(r->out, channel) || r->out->count >= KB_MAX_CHANNELS)
		return;
	if (channel->rotterdam_region_only && r->situation->region != REGION_ROTTERDAM)
		return;
	struct route_recommendation *item = &r->out->items[r->out->count++];
	enum kb_lang lang = r->situation->lang;
	char state_text[600];
	item->channel = channel;
	item->state = hours_state_at(&channel->hours, r->at);
	item->closes_soon = item->state.state == CHANNEL_STATE_OPEN && item->state.closes_at >= 0 &&
			    item->state.closes_at - r->at <= ROUTE_CLOSES_SOON_SECONDS;
	if (item->closes_soon) {
		route_describe_closing(r->texts, item->state, r->at, lang, state_text, sizeof state_text);
		append_alternatives(r, channel, false, state_text, sizeof state_text);
	} else {
		route_describe_state(r->texts, channel, item->state, r->at, lang, state_text, sizeof state_text);
		if (item->state.state == CHANNEL_STATE_CLOSED)
			append_alternatives(r, channel, true, state_text, sizeof state_text);
	}
	snprintf(item->reason, sizeof item->reason, "%s %s", text_get(r->texts, lead_sentence(r, id, role), lang),
		 state_text);
}

static const char *main_need_channel(const struct situation *s)
{
	if (s->wants_anonymity && !s->about_self && !s->works_with_children)
		return "meldmisdaadanoniem";
	/* the meldcode: a professional reports a possible minor to Veilig Thuis */
	if (s->works_with_children && s->report_victim && situation_possibly_minor(s->age))
		return "veiligthuis";
	if ((s->about_self || s->wants_advice || s->report_victim) && s->region == REGION_ROTTERDAM)
		return "essm";
	if (wants(s, KB_FORM_LABOUR))
		return "nla";
	return "politie";
}

/* A closed channel never stays first: the first one that is open (else the
 * first whose hours are unknown) moves before it; 112 without acute danger is
 * the "if it becomes dangerous" line and is not moved up. */
static void put_reachable_first(struct route_result *out, size_t first)
{
	if (first >= out->count || out->items[first].state.state != CHANNEL_STATE_CLOSED)
		return;
	size_t best = out->count;
	for (int pass = 0; pass < 2 && best == out->count; pass++) {
		enum channel_open_state wanted = pass == 0 ? CHANNEL_STATE_OPEN : CHANNEL_STATE_UNKNOWN;
		for (size_t i = first + 1; i < out->count && best == out->count; i++) {
			if (out->items[i].state.state == wanted && strcmp(out->items[i].channel->id, "112") != 0)
				best = i;
		}
	}
	if (best == out->count)
		return;
	struct route_recommendation moved = out->items[best];
	memmove(&out->items[first + 1], &out->items[first], (best - first) * sizeof *out->items);
	out->items[first] = moved;
}

void route_for_situation(const struct kb *kb, const struct texts *texts, const struct situation *situation,
			 int64_t now, struct route_result *out)
{
	memset(out, 0, sizeof *out);
	struct routing r = {kb, texts, situation, situation->has_time ? situation->at : now, out};
	bool possibly_minor = situation_possibly_minor(situation->age);
	out->urgent = situation->acute_danger;
	if (situation->acute_danger)
		add(&r, "112", ROLE_MAIN);
	add(&r, main_need_channel(situation), ROLE_MAIN);
	if (situation->works_with_children && possibly_minor)
		add(&r, "veiligthuis", ROLE_OTHER);
	add(&r, "essm", ROLE_OTHER);
	if (wants(situation, KB_FORM_LABOUR))
		add(&r, "nla", ROLE_OTHER);
	if (possibly_minor)
		add(&r, "veiligthuis", ROLE_OTHER);
	add(&r, "politie", ROLE_OTHER);
	add(&r, "meldmisdaadanoniem", ROLE_OTHER);
	add(&r, "112", ROLE_OTHER);
	put_reachable_first(out, situation->acute_danger ? 1 : 0);
}
