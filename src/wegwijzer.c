#define _POSIX_C_SOURCE 200809L
#include "wegwijzer.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "assess.h"
#include "route.h"
#include "situation.h"
#include "text.h"

#define ANSWER_SIZE 512

enum guide_text {
	G_TITLE,
	G_DANGER_BAR,
	G_HOW_TO_ANSWER,
	G_QUESTION,
	G_Q_DANGER,
	G_YES,
	G_NO,
	G_DONT_KNOW,
	G_CALL_112_NOW,
	G_Q_FORMS,
	G_FORM_SEXUAL,
	G_FORM_LABOUR,
	G_FORM_CRIMINAL,
	G_MORE_ANSWERS,
	G_Q_MINOR,
	G_Q_NEED,
	G_NEED_ADVICE,
	G_NEED_REPORT,
	G_NEED_ANONYMOUS,
	G_NEED_UNSURE,
	G_Q_REGION,
	G_REGION_ROTTERDAM,
	G_REGION_OTHER,
	G_RESULT_HEADING,
	G_CALL,
	G_ONLINE_FORM,
	G_Q_CHECKLIST,
	G_CHECKLIST_HEADING,
	G_CHECKLIST_HOW,
	G_ASSESS_HEADING,
	G_ASSESS_NONE,
	G_ASSESS_COUNTS,
	G_ASSESS_PATTERN,
	G_ASSESS_NO_PATTERN,
	G_ASSESS_CONCERN,
	G_ASSESS_CLOSING,
	G_BAD_ANSWER,
	G_BAD_LIST,
	G_STOPPED,
	G_END,
	G_COUNT
};

static const char *const guide_texts[G_COUNT][KB_LANG_COUNT] = {
	[G_TITLE] = {"meldwijzer: wat kun je doen bij signalen van uitbuiting?",
		     "meldwijzer: what can you do about signals of exploitation?"},
	[G_DANGER_BAR] = {"Is er acuut gevaar? Bel dan meteen 112.", "Is there acute danger? Then call 112 straight away."},
	[G_HOW_TO_ANSWER] = {"Typ het nummer van je antwoord en druk op Enter. Typ 'stop' om te stoppen.",
			     "Type the number of your answer and press Enter. Type 'stop' to stop."},
	[G_QUESTION] = {"Vraag %d van 5.", "Question %d of 5."},
	[G_Q_DANGER] = {"Is er nu spoed of acuut gevaar?", "Is it urgent, or is there acute danger now?"},
	[G_YES] = {"Ja", "Yes"},
	[G_NO] = {"Nee", "No"},
	[G_DONT_KNOW] = {"Weet ik niet", "I don't know"},
	[G_CALL_112_NOW] = {"Bel nu 112. Zeg wat er gebeurt en waar. Daarna kun je hier verder.",
			    "Call 112 now. Say what is happening and where. Then you can continue here."},
	[G_Q_FORMS] = {"Om welke vorm van uitbuiting gaat het, denk je?", "Which form of exploitation do you think it is?"},
	[G_FORM_SEXUAL] = {"Seksuele uitbuiting: iemand moet seks hebben of seksuele handelingen doen, tegen betaling in geld, luxe spullen of drugs.",
			   "Sexual exploitation: someone is forced to have sex or do sexual acts, paid in money, luxury goods or drugs."},
	[G_FORM_LABOUR] = {"Arbeidsuitbuiting: iemand moet werken onder slechte omstandigheden, voor weinig of geen loon.",
			   "Labour exploitation: someone is forced to work in bad conditions, for little or no pay."},
	[G_FORM_CRIMINAL] = {"Criminele uitbuiting: iemand moet misdaad plegen voor een ander, zoals drugs dealen, explosieven plaatsen of drugs uit de haven halen.",
			     "Criminal exploitation: someone is forced to commit crimes for someone else, such as dealing drugs, placing explosives or retrieving drugs from the port."},
	[G_MORE_ANSWERS] = {"Meer antwoorden mag, bijvoorbeeld: 1,3", "You may give more answers, for example: 1,3"},
	[G_Q_MINOR] = {"Is de persoon jonger dan 18 jaar?", "Is the person under 18?"},
	[G_Q_NEED] = {"Wat wil je het liefst?", "What would you most like to do?"},
	[G_NEED_ADVICE] = {"Advies vragen, of anoniem een situatie bespreken", "Ask for advice, or discuss a situation anonymously"},
	[G_NEED_REPORT] = {"Een (mogelijk) slachtoffer melden", "Report a (possible) victim"},
	[G_NEED_ANONYMOUS] = {"Anoniem melden", "Report anonymously"},
	[G_NEED_UNSURE] = {"Ik weet het nog niet", "I don't know yet"},
	[G_Q_REGION] = {"Waar speelt het?", "Where is this happening?"},
	[G_REGION_ROTTERDAM] = {"In de regio Rotterdam", "In the Rotterdam region"},
	[G_REGION_OTHER] = {"Ergens anders in Nederland", "Somewhere else in the Netherlands"},
	[G_RESULT_HEADING] = {"Dit kun je doen:", "What you can do:"},
	[G_CALL] = {"Bel", "Call"},
	[G_ONLINE_FORM] = {"Online formulier:", "Online form:"},
	[G_Q_CHECKLIST] = {"Wil je de signalen nalopen die je ziet?", "Would you like to go through the signals you see?"},
	[G_CHECKLIST_HEADING] = {"Signalen van %s:", "Signals of %s:"},
	[G_CHECKLIST_HOW] = {"Typ de nummers van wat je ziet, bijvoorbeeld: 2,5,11. Zie je niets hiervan? Druk dan op Enter.",
			     "Type the numbers of what you see, for example: 2,5,11. If you see none of these, press Enter."},
	[G_ASSESS_HEADING] = {"Wat de signalen samen laten zien:", "What the signals show together:"},
	[G_ASSESS_NONE] = {"Je hebt geen signalen gekozen.", "You chose no signals."},
	[G_ASSESS_COUNTS] = {"%s: %u sterke, %u middelsterke en %u zwakke aanwijzingen.",
			     "%s: %u strong, %u medium and %u weak indications."},
	[G_ASSESS_PATTERN] = {"Deze signalen passen samen bij het patroon van mogelijke uitbuiting (volgens de indicatoren van de ILO). Dat is geen oordeel: laat mensen met kennis van zaken meekijken.",
			      "Together these signals fit the pattern of possible exploitation (according to the ILO indicators). This is not a judgement: let people with expertise look at it with you."},
	[G_ASSESS_NO_PATTERN] = {"Deze signalen vormen samen nog geen duidelijk patroon. Dat betekent niet dat er niets aan de hand is.",
				 "Together these signals do not yet form a clear pattern. That does not mean nothing is wrong."},
	[G_ASSESS_CONCERN] = {"%u signaal/signalen zeggen alleen iets over zorgen; ze kunnen ook een andere oorzaak hebben.",
			      "%u signal(s) only point to concern; they can also have another cause."},
	[G_ASSESS_CLOSING] = {"Twijfel je? Bespreek het met een van de instanties hierboven. Bij acuut gevaar: bel altijd 112.",
			      "In doubt? Talk it through with one of the organisations above. In acute danger: always call 112."},
	[G_BAD_ANSWER] = {"Dat antwoord ken ik niet. Typ een nummer van 1 tot %d.", "I don't know that answer. Type a number from 1 to %d."},
	[G_BAD_LIST] = {"Dat begrijp ik niet. Typ nummers van 1 tot %d, met komma's ertussen.",
			"I don't understand that. Type numbers from 1 to %d, separated by commas."},
	[G_STOPPED] = {"Gestopt. Bij acuut gevaar: bel 112.", "Stopped. In acute danger: call 112."},
	[G_END] = {"Dank je wel. Bij acuut gevaar: bel altijd 112.", "Thank you. In acute danger: always call 112."},
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number)
{
	(void)signal_number;
	interrupted = 1;
}

struct guide {
	const struct kb *kb;
	FILE *in, *out;
	enum kb_lang lang;
	int64_t now;
};

static const char *say(const struct guide *g, enum guide_text id)
{
	return guide_texts[id][g->lang];
}

enum read_status { READ_OK, READ_END };

/* Reads one answer line (trimmed). Over-long lines are read to their end and kept cut. */
static enum read_status read_answer(struct guide *g, char answer[ANSWER_SIZE])
{
	fputs("> ", g->out);
	fflush(g->out);
	if (!fgets(answer, ANSWER_SIZE, g->in) || interrupted)
		return READ_END;
	size_t len = strlen(answer);
	if (len && answer[len - 1] != '\n') {
		int c;
		while ((c = fgetc(g->in)) != EOF && c != '\n')
			;
	}
	while (len && (answer[len - 1] == '\n' || answer[len - 1] == '\r' || answer[len - 1] == ' '))
		answer[--len] = '\0';
	size_t start = 0;
	while (answer[start] == ' ')
		start++;
	memmove(answer, answer + start, len - start + 1);
	if (strcmp(answer, "stop") == 0 || strcmp(answer, "q") == 0)
		return READ_END;
	return READ_OK;
}

/* Parses "1,3 4" into a bit set of choices 1..max; false when anything else is typed. */
static bool parse_choices(const char *answer, int max, unsigned long long *chosen)
{
	*chosen = 0;
	const char *p = answer;
	while (*p) {
		if (*p == ',' || *p == ' ') {
			p++;
			continue;
		}
		if (*p < '0' || *p > '9')
			return false;
		int number = 0;
		while (*p >= '0' && *p <= '9') {
			number = number * 10 + (*p - '0');
			if (number > max)
				return false;
			p++;
		}
		if (number < 1)
			return false;
		*chosen |= 1ull << (number - 1);
	}
	return true;
}

static const char *const yes_words[] = {"j", "ja", "y", "yes", NULL};
static const char *const no_words[] = {"n", "nee", "no", NULL};

static bool is_word(const char *answer, const char *const *words)
{
	for (const char *const *w = words; *w; w++) {
		if (strcasecmp(answer, *w) == 0)
			return true;
	}
	return false;
}

static void print_options(struct guide *g, const enum guide_text *options, int count)
{
	for (int i = 0; i < count; i++)
		fprintf(g->out, "  %d. %s\n", i + 1, say(g, options[i]));
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* Asks one question; `multiple` allows several answers. Returns READ_END when the user stops. */
static enum read_status ask(struct guide *g, int number, enum guide_text question, const enum guide_text *options,
			    int count, bool multiple, unsigned long long *chosen)
{
	fputc('\n', g->out);
	fprintf(g->out, say(g, G_QUESTION), number);
	fprintf(g->out, " %s\n", say(g, question));
	if (multiple)
		fprintf(g->out, "%s\n", say(g, G_MORE_ANSWERS));
	print_options(g, options, count);
	char answer[ANSWER_SIZE];
	for (;;) {
		if (read_answer(g, answer) == READ_END)
			return READ_END;
		if (options[0] == G_YES && is_word(answer, yes_words)) {
			*chosen = 1;
			return READ_OK;
		}
		if (options[0] == G_YES && is_word(answer, no_words)) {
			*chosen = 2;
			return READ_OK;
		}
		if (parse_choices(answer, count, chosen) && *chosen &&
		    (multiple || (*chosen & (*chosen - 1)) == 0))
			return READ_OK;
		fprintf(g->out, say(g, G_BAD_ANSWER), count);
		fputc('\n', g->out);
	}
}

static void print_recommendations(struct guide *g, const struct route_result *route)
{
	fprintf(g->out, "\n%s\n", say(g, G_RESULT_HEADING));
	for (size_t i = 0; i < route->count; i++) {
		const struct route_recommendation *item = &route->items[i];
		fprintf(g->out, "\n%zu. %s: %s %s\n", i + 1, item->channel->name[g->lang], say(g, G_CALL),
			item->channel->phone_display);
		if (item->channel->url)
			fprintf(g->out, "   %s %s\n", say(g, G_ONLINE_FORM), item->channel->url);
		fprintf(g->out, "   %s\n", item->reason);
	}
}

static void print_assessment(struct guide *g, const struct assess_result *result, size_t signal_count, unsigned forms)
{
	fprintf(g->out, "\n%s\n", say(g, G_ASSESS_HEADING));
	if (signal_count == 0) {
		fprintf(g->out, "%s\n", say(g, G_ASSESS_NONE));
	}
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (!(forms & (1u << f)))
			continue;
		const struct assess_form *form = &result->forms[f];
		unsigned strong = 0, medium = 0, weak = 0;
		for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
			strong += form->dimensions[d].strong;
			medium += form->dimensions[d].medium;
			weak += form->dimensions[d].weak;
		}
		if (strong + medium + weak == 0)
			continue;
		char name[80];
		snprintf(name, sizeof name, "%s", text_form_name((enum kb_form)f, g->lang));
		name[0] = (char)(name[0] >= 'a' && name[0] <= 'z' ? name[0] - 'a' + 'A' : name[0]);
		fputc('\n', g->out);
		fprintf(g->out, say(g, G_ASSESS_COUNTS), name, strong, medium, weak);
		fprintf(g->out, "\n%s\n", say(g, form->indicated ? G_ASSESS_PATTERN : G_ASSESS_NO_PATTERN));
	}
	if (result->concern) {
		fputc('\n', g->out);
		fprintf(g->out, say(g, G_ASSESS_CONCERN), result->concern);
		fputc('\n', g->out);
	}
	fprintf(g->out, "\n%s\n", say(g, G_ASSESS_CLOSING));
}

/* The forms whose signals the checklist shows: those chosen, or all when none was. */
static unsigned checklist_forms(const struct situation *situation)
{
	return situation->forms ? situation->forms : (1u << KB_FORM_COUNT) - 1;
}

/* Shows the signals of each chosen form as a numbered list and collects the chosen ones. */
static enum read_status run_checklist(struct guide *g, const struct situation *situation, size_t *signals,
				      size_t *signal_count)
{
	unsigned forms = checklist_forms(situation);
	enum kb_profile profile = situation->age == KB_AGE_MINOR ? KB_PROFILE_MINOR : KB_PROFILE_ADULT;
	*signal_count = 0;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (!(forms & (1u << f)))
			continue;
		size_t shown[SITUATION_MAX_SIGNALS];
		int count = 0;
		fputc('\n', g->out);
		fprintf(g->out, say(g, G_CHECKLIST_HEADING), text_form_name((enum kb_form)f, g->lang));
		fputc('\n', g->out);
		for (size_t i = 0; i < g->kb->signal_count && count < 64; i++) {
			const struct kb_signal *signal = &g->kb->signals[i];
			if (!(signal->forms & (1u << f)) || !(signal->profiles & (1u << profile)))
				continue;
			shown[count++] = i;
			fprintf(g->out, "  %d. %s\n", count, signal->text[g->lang]);
		}
		fprintf(g->out, "%s\n", say(g, G_CHECKLIST_HOW));
		char answer[ANSWER_SIZE];
		unsigned long long chosen;
		for (;;) {
			if (read_answer(g, answer) == READ_END)
				return READ_END;
			if (parse_choices(answer, count, &chosen))
				break;
			fprintf(g->out, say(g, G_BAD_LIST), count);
			fputc('\n', g->out);
		}
		for (int i = 0; i < count; i++) {
			if (!(chosen & (1ull << i)))
				continue;
			bool repeated = false;
			for (size_t j = 0; j < *signal_count; j++)
				repeated = repeated || signals[j] == shown[i];
			if (!repeated && *signal_count < SITUATION_MAX_SIGNALS)
				signals[(*signal_count)++] = shown[i];
		}
	}
	return READ_OK;
}

static enum read_status run_questions(struct guide *g)
{
	static const enum guide_text yes_no[] = {G_YES, G_NO};
	static const enum guide_text yes_no_unsure[] = {G_YES, G_NO, G_DONT_KNOW};
	static const enum guide_text forms[] = {G_FORM_SEXUAL, G_FORM_LABOUR, G_FORM_CRIMINAL, G_DONT_KNOW};
	static const enum guide_text needs[] = {G_NEED_ADVICE, G_NEED_REPORT, G_NEED_ANONYMOUS, G_NEED_UNSURE};
	static const enum guide_text regions[] = {G_REGION_ROTTERDAM, G_REGION_OTHER};
	struct situation situation;
	unsigned long long chosen;
	situation_init(&situation);
	situation.lang = g->lang;

	if (ask(g, 1, G_Q_DANGER, yes_no, 2, false, &chosen) == READ_END)
		return READ_END;
	situation.acute_danger = chosen == 1;
	if (situation.acute_danger)
		fprintf(g->out, "\n*** %s ***\n", say(g, G_CALL_112_NOW));

	if (ask(g, 2, G_Q_FORMS, forms, 4, true, &chosen) == READ_END)
		return READ_END;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (chosen & (1ull << f))
			situation.forms |= 1u << f;
	}
	situation.form_unknown = (chosen & 8) != 0;

	if (ask(g, 3, G_Q_MINOR, yes_no_unsure, 3, false, &chosen) == READ_END)
		return READ_END;
	situation.age = chosen == 1 ? KB_AGE_MINOR : chosen == 3 ? KB_AGE_UNKNOWN : KB_AGE_ADULT;

	if (ask(g, 4, G_Q_NEED, needs, 4, false, &chosen) == READ_END)
		return READ_END;
	situation.wants_advice = chosen == 1;
	situation.report_victim = chosen == 2;
	situation.wants_anonymity = chosen == 4;

	if (ask(g, 5, G_Q_REGION, regions, 2, false, &chosen) == READ_END)
		return READ_END;
	situation.region = chosen == 1 ? REGION_ROTTERDAM : REGION_OTHER;

	struct route_result route;
	route_for_situation(g->kb, &situation, g->now, &route);
	print_recommendations(g, &route);

	fprintf(g->out, "\n%s\n", say(g, G_Q_CHECKLIST));
	print_options(g, yes_no, 2);
	char answer[ANSWER_SIZE];
	for (;;) {
		if (read_answer(g, answer) == READ_END)
			return READ_END;
		if (parse_choices(answer, 2, &chosen) && (chosen == 1 || chosen == 2))
			break;
		fprintf(g->out, say(g, G_BAD_ANSWER), 2);
		fputc('\n', g->out);
	}
	if (chosen == 1) {
		size_t signals[SITUATION_MAX_SIGNALS];
		size_t signal_count;
		if (run_checklist(g, &situation, signals, &signal_count) == READ_END)
			return READ_END;
		struct assess_result result;
		if (assess_signals(g->kb, signals, signal_count, situation.age, situation.forms, &result) == 0) {
			print_assessment(g, &result, signal_count, checklist_forms(&situation));
			assess_result_release(&result);
		}
	}
	return READ_OK;
}

#pragma GCC diagnostic pop

int wegwijzer_run(const struct kb *kb, FILE *in, FILE *out, enum kb_lang lang, int64_t now)
{
	struct guide g = {kb, in, out, lang, now};
	struct sigaction action, previous;
	memset(&action, 0, sizeof action);
	action.sa_handler = on_interrupt; /* no SA_RESTART: Ctrl-C must interrupt the read */
	sigemptyset(&action.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &action, &previous);

	fprintf(out, "%s\n%s\n%s\n", say(&g, G_TITLE), say(&g, G_DANGER_BAR), say(&g, G_HOW_TO_ANSWER));
	enum read_status status = run_questions(&g);
	fprintf(out, "\n%s\n", say(&g, status == READ_END ? G_STOPPED : G_END));

	sigaction(SIGINT, &previous, NULL);
	fflush(out);
	return ferror(out) ? 1 : 0;
}
