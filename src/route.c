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
	if (strcmp(id, "112") == 0)
		return s->acute_danger ? T_REASON_112_ACUTE : T_REASON_112_LATER;
	if (strcmp(id, "meldmisdaadanoniem") == 0)
		return s->wants_anonymity ? T_REASON_MMA_WANTED : T_REASON_MMA_OPTION;
	if (strcmp(id, "essm") == 0) {
		if (s->wants_advice)
			return T_REASON_ESSM_ADVICE;
		return s->report_victim ? T_REASON_ESSM_REPORT : T_REASON_ESSM_OPTION;
	}
	if (strcmp(id, "nla") == 0)
		return T_REASON_NLA_LABOUR;
	if (strcmp(id, "politie") == 0) {
		if (s->acute_danger)
			return T_REASON_POLITIE_AFTER_ACUTE;
		if (s->region == REGION_OTHER)
			return T_REASON_OUTSIDE_REGION;
		return role == ROLE_MAIN ? T_REASON_POLITIE_MAIN : T_REASON_POLITIE_OPTION;
	}
	if (strcmp(id, "veiligthuis") == 0)
		return T_REASON_VEILIGTHUIS_MINOR;
	return T_REASON_OTHER_CHANNEL;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void route_describe_state(const struct kb_channel *channel, struct channel_state state, int64_t now,
			  enum kb_lang lang, char *out, size_t size)
{
	char moment[96];
	switch (state.state) {
	case CHANNEL_STATE_OPEN:
		if (state.closes_at < 0) {
			snprintf(out, size, "%s", text_get(T_STATE_ALWAYS, lang));
		} else {
			text_clock(state.closes_at, moment, sizeof moment);
			snprintf(out, size, text_get(T_STATE_OPEN_UNTIL, lang), moment);
		}
		break;
	case CHANNEL_STATE_CLOSED:
		text_moment(now, state.opens_at, lang, moment, sizeof moment);
		snprintf(out, size, text_get(T_STATE_CLOSED_OPENS, lang), moment);
		break;
	case CHANNEL_STATE_UNKNOWN:
	default:
		snprintf(out, size, "%s", text_get(channel->url ? T_STATE_UNKNOWN_WITH_FORM : T_STATE_UNKNOWN, lang));
		break;
	}
}
#pragma GCC diagnostic pop

static bool already_listed(const struct route_result *out, const struct kb_channel *channel)
{
	for (size_t i = 0; i < out->count; i++) {
		if (out->items[i].channel == channel)
			return true;
	}
	return false;
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
	char state_text[400];
	item->channel = channel;
	item->state = hours_state_at(&channel->hours, r->at);
	route_describe_state(channel, item->state, r->at, lang, state_text, sizeof state_text);
	snprintf(item->reason, sizeof item->reason, "%s %s%s%s", text_get(lead_sentence(r, id, role), lang),
		 state_text, item->state.state == CHANNEL_STATE_CLOSED ? " " : "",
		 item->state.state == CHANNEL_STATE_CLOSED ? text_get(T_STATE_CLOSED_ALTERNATIVES, lang) : "");
}

static const char *main_need_channel(const struct situation *s)
{
	if (s->wants_anonymity)
		return "meldmisdaadanoniem";
	if ((s->wants_advice || s->report_victim) && s->region == REGION_ROTTERDAM)
		return "essm";
	if (wants(s, KB_FORM_LABOUR))
		return "nla";
	return "politie";
}

void route_for_situation(const struct kb *kb, const struct situation *situation, int64_t now,
			 struct route_result *out)
{
	memset(out, 0, sizeof *out);
	struct routing r = {kb, situation, situation->has_time ? situation->at : now, out};
	out->urgent = situation->acute_danger;
	if (situation->acute_danger)
		add(&r, "112", ROLE_MAIN);
	add(&r, main_need_channel(situation), ROLE_MAIN);
	add(&r, "essm", ROLE_OTHER);
	if (wants(situation, KB_FORM_LABOUR))
		add(&r, "nla", ROLE_OTHER);
	add(&r, "politie", ROLE_OTHER);
	if (situation->minor)
		add(&r, "veiligthuis", ROLE_OTHER);
	add(&r, "meldmisdaadanoniem", ROLE_OTHER);
	add(&r, "112", ROLE_OTHER);
}
