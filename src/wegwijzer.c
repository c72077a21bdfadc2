#define _POSIX_C_SOURCE 200809L
#include "wegwijzer.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "route.h"
#include "situation.h"
#include "text.h"

#define ANSWER_SIZE 2048
#define QUESTION_COUNT 6

/* The guide's own sentences, and the words the command line shares with it
 * that text.c does not have (yet). Dutch at B1 with "je"; English plain. */
enum guide_text {
	G_TITLE,
	G_DANGER_BAR,
	G_HOW_TO_ANSWER,
	G_QUESTION,
	G_Q_DANGER,
	G_DANGER_EXAMPLES,
	G_DANGER_HURT,
	G_DANGER_LOCKED,
	G_DANGER_CHILD,
	G_DANGER_MOVED,
	G_YES,
	G_NO,
	G_DONT_KNOW,
	G_CALL_112_NOW,
	G_Q_WHO,
	G_WHO_OTHER,
	G_WHO_CHILD_AT_WORK,
	G_WHO_SELF,
	G_Q_FORMS,
	G_Q_FORMS_SELF,
	G_FORM_SEXUAL,
	G_FORM_LABOUR,
	G_FORM_CRIMINAL,
	G_FORM_SEXUAL_SELF,
	G_FORM_LABOUR_SELF,
	G_FORM_CRIMINAL_SELF,
	G_MORE_ANSWERS,
	G_Q_MINOR,
	G_Q_MINOR_CHILD,
	G_Q_MINOR_SELF,
	G_Q_NEED,
	G_NEED_ADVICE,
	G_NEED_REPORT,
	G_NEED_ANONYMOUS,
	G_NEED_UNSURE,
	G_NEED_HELP_SELF,
	G_NEED_REPORT_SELF,
	G_Q_REGION,
	G_Q_REGION_SELF,
	G_REGION_ROTTERDAM,
	G_REGION_OTHER,
	G_RESULT_HEADING,
	G_CALL,
	G_ONLINE_FORM,
	G_IN_ENGLISH,
	G_Q_CHECKLIST,
	G_Q_CHECKLIST_SELF,
	G_CHECKLIST_SHARED,
	G_CHECKLIST_HEADING,
	G_CHECKLIST_SELF_NOTE,
	G_CHECKLIST_HOW,
	G_CHECKLIST_HOW_SELF,
	G_CHANNELS_AGAIN,
	/* the weighing */
	G_ASSESS_HEADING,
	G_ASSESS_NONE,
	G_CONCERN_ONE,
	G_CONCERN_MANY,
	G_LEVEL_REPORT_SELF,
	G_BASIS_MINOR_ACT_SELF,
	G_BASIS_ADULT_EXPLOITATION_SELF,
	G_NEXT_REPORT_SELF,
	G_NEXT_DISCUSS_SELF,
	G_NEXT_WATCH_SELF,
	G_UNKNOWN_INTRO_SELF,
	G_UNKNOWN_SEXUAL_ACT_SELF,
	G_UNKNOWN_CRIMINAL_ACT_SELF,
	G_UNKNOWN_DECEPTIVE_SELF,
	G_UNKNOWN_COERCIVE_SELF,
	G_UNKNOWN_RECRUITMENT_VULNERABILITY_SELF,
	G_UNKNOWN_EXPLOITATIVE_SELF,
	G_UNKNOWN_COERCION_SELF,
	G_UNKNOWN_VULNERABILITY_AT_DESTINATION_SELF,
	G_DETAILS_HEADING,
	G_DETAILS_RULE,
	G_DETAILS_FORM_ADULT,
	G_DETAILS_FORM_MINOR,
	G_DETAILS_ENOUGH,
	G_DETAILS_NOT_ENOUGH,
	G_DETAILS_NO_SIGNALS,
	G_DETAILS_STRICT_MET,
	G_DETAILS_STRICT_NOT_MET,
	G_STRONG_ONE,
	G_STRONG_MANY,
	G_MEDIUM_ONE,
	G_MEDIUM_MANY,
	G_WEAK_ONE,
	G_WEAK_MANY,
	/* the parts (dimensions) of the pattern, as noun phrases */
	G_DIM_DECEPTIVE_RECRUITMENT,
	G_DIM_COERCIVE_RECRUITMENT,
	G_DIM_RECRUITMENT_VULNERABILITY,
	G_DIM_EXPLOITATIVE_CONDITIONS,
	G_DIM_COERCION,
	G_DIM_VULNERABILITY_AT_DESTINATION,
	/* signals: weights and sources */
	G_WEIGHT,
	G_WEIGHT_ITEM,
	G_WEIGHT_NONE,
	G_STRENGTH_STRONG,
	G_STRENGTH_MEDIUM,
	G_STRENGTH_WEAK,
	G_PROFILE_ADULT,
	G_PROFILE_MINOR,
	G_PROFILE_BOTH,
	G_LOW_CONFIDENCE,
	G_ACT,
	G_ONLY_FOR_ADULTS,
	G_ONLY_FOR_MINORS,
	G_SOURCE,
	G_DIRECTORY_HEADING,
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
	[G_QUESTION] = {"Vraag %d van %d.", "Question %d of %d."},
	[G_Q_DANGER] = {"Is er nu acuut gevaar, voor jou of voor iemand anders?",
			"Is there acute danger now, for you or for someone else?"},
	[G_DANGER_EXAMPLES] = {"Bijvoorbeeld:", "For example:"},
	[G_DANGER_HURT] = {"iemand wordt nu pijn gedaan of bedreigd", "someone is being hurt or threatened right now"},
	[G_DANGER_LOCKED] = {"iemand zit opgesloten", "someone is locked up"},
	[G_DANGER_CHILD] = {"een kind is vannacht in gevaar", "a child is in danger tonight"},
	[G_DANGER_MOVED] = {"iemand wordt zo meteen ergens anders heen gebracht",
			    "someone is about to be taken somewhere else"},
	[G_YES] = {"Ja", "Yes"},
	[G_NO] = {"Nee", "No"},
	[G_DONT_KNOW] = {"Weet ik niet", "I don't know"},
	[G_CALL_112_NOW] = {"Bel nu 112. Zeg wat er gebeurt en waar. Daarna kun je hier verder.",
			    "Call 112 now. Say what is happening and where. Then you can continue here."},
	[G_Q_WHO] = {"Over wie gaat het?", "Who is it about?"},
	[G_WHO_OTHER] = {"Over iemand anders, bijvoorbeeld een buur, collega of klant",
			 "Someone else, for example a neighbour, colleague or client"},
	[G_WHO_CHILD_AT_WORK] = {"Over een kind of jongere die ik ken via mijn werk (school, jeugdwerk)",
				 "A child or young person I know through my work (school, youth work)"},
	[G_WHO_SELF] = {"Over mijzelf", "Myself"},
	[G_Q_FORMS] = {"Om welke vorm van uitbuiting gaat het, denk je?", "Which form of exploitation do you think it is?"},
	[G_Q_FORMS_SELF] = {"Wat past het best bij wat er met jou gebeurt?", "What fits best with what is happening to you?"},
	[G_FORM_SEXUAL] = {"Seksuele uitbuiting: iemand moet seks hebben of seksuele handelingen doen, tegen betaling in geld, luxe spullen of drugs.",
			   "Sexual exploitation: someone is forced to have sex or do sexual acts, paid in money, luxury goods or drugs."},
	[G_FORM_LABOUR] = {"Arbeidsuitbuiting: iemand moet werken onder slechte omstandigheden, voor weinig of geen loon.",
			   "Labour exploitation: someone is forced to work in bad conditions, for little or no pay."},
	[G_FORM_CRIMINAL] = {"Criminele uitbuiting: iemand moet misdaad plegen voor een ander, zoals drugs dealen, explosieven plaatsen of drugs uit de haven halen.",
			     "Criminal exploitation: someone is forced to commit crimes for someone else, such as dealing drugs, placing explosives or retrieving drugs from the port."},
	[G_FORM_SEXUAL_SELF] = {"Seksuele uitbuiting: je moet seks hebben of seksuele handelingen doen, tegen betaling in geld, luxe spullen of drugs.",
				"Sexual exploitation: you are forced to have sex or do sexual acts, paid in money, luxury goods or drugs."},
	[G_FORM_LABOUR_SELF] = {"Arbeidsuitbuiting: je moet werken onder slechte omstandigheden, voor weinig of geen loon.",
				"Labour exploitation: you are forced to work in bad conditions, for little or no pay."},
	[G_FORM_CRIMINAL_SELF] = {"Criminele uitbuiting: je moet misdaad plegen voor een ander, zoals drugs dealen, explosieven plaatsen of drugs uit de haven halen.",
				  "Criminal exploitation: you are forced to commit crimes for someone else, such as dealing drugs, placing explosives or retrieving drugs from the port."},
	[G_MORE_ANSWERS] = {"Meer antwoorden mag, bijvoorbeeld: 1,3", "You may give more answers, for example: 1,3"},
	[G_Q_MINOR] = {"Is de persoon jonger dan 18 jaar?", "Is the person under 18?"},
	[G_Q_MINOR_CHILD] = {"Is hij of zij jonger dan 18 jaar?", "Is he or she under 18?"},
	[G_Q_MINOR_SELF] = {"Ben je jonger dan 18 jaar?", "Are you under 18?"},
	[G_Q_NEED] = {"Wat wil je het liefst?", "What would you most like to do?"},
	[G_NEED_ADVICE] = {"Advies vragen, of anoniem een situatie bespreken", "Ask for advice, or discuss a situation anonymously"},
	[G_NEED_REPORT] = {"Een (mogelijk) slachtoffer melden", "Report a (possible) victim"},
	[G_NEED_ANONYMOUS] = {"Anoniem melden", "Report anonymously"},
	[G_NEED_UNSURE] = {"Ik weet het nog niet", "I don't know yet"},
	[G_NEED_HELP_SELF] = {"Hulp of advies vragen", "Ask for help or advice"},
	[G_NEED_REPORT_SELF] = {"Melden wat er met mij gebeurt", "Report what is happening to me"},
	[G_Q_REGION] = {"Waar speelt het?", "Where is this happening?"},
	[G_Q_REGION_SELF] = {"Waar woon of werk je?", "Where do you live or work?"},
	[G_REGION_ROTTERDAM] = {"In de regio Rotterdam", "In the Rotterdam region"},
	[G_REGION_OTHER] = {"Ergens anders in Nederland", "Somewhere else in the Netherlands"},
	[G_RESULT_HEADING] = {"Dit kun je doen:", "What you can do:"},
	[G_CALL] = {"Bel", "Call"},
	[G_ONLINE_FORM] = {"Online formulier:", "Online form:"},
	[G_IN_ENGLISH] = {"Informatie in het Engels:", "Information in English:"},
	[G_Q_CHECKLIST] = {"Wil je de signalen nalopen die je ziet?", "Would you like to go through the signals you see?"},
	[G_Q_CHECKLIST_SELF] = {"Wil je een lijst met signalen nalopen? Dan zie je beter wat er met jou gebeurt.",
				"Would you like to go through a list of signals? It can help you see what is happening to you."},
	[G_CHECKLIST_SHARED] = {"Signalen die bij meer vormen van uitbuiting passen:",
				"Signals that fit more than one form of exploitation:"},
	[G_CHECKLIST_HEADING] = {"Signalen van %s:", "Signals of %s:"},
	[G_CHECKLIST_SELF_NOTE] = {"In de lijst staat 'de persoon'. Lees dat als: jij.",
				   "The list says 'the person'. Read that as: you."},
	[G_CHECKLIST_HOW] = {"Typ de nummers van wat je ziet, bijvoorbeeld: 2,5,11. Zie je niets hiervan? Druk dan op Enter.",
			     "Type the numbers of what you see, for example: 2,5,11. If you see none of these, press Enter."},
	[G_CHECKLIST_HOW_SELF] = {"Typ de nummers van wat bij jou past, bijvoorbeeld: 2,5,11. Past niets? Druk dan op Enter.",
				  "Type the numbers of what fits you, for example: 2,5,11. If nothing fits, press Enter."},
	[G_CHANNELS_AGAIN] = {"De instanties op een rij:", "The organisations at a glance:"},
	[G_ASSESS_HEADING] = {"Wat de signalen samen laten zien:", "What the signals show together:"},
	[G_ASSESS_NONE] = {"Je hebt geen signalen gekozen.", "You chose no signals."},
	[G_CONCERN_ONE] = {"1 signaal zegt alleen iets over zorgen. Het kan ook een andere oorzaak hebben.",
			   "1 signal only points to concern. It can also have another cause."},
	[G_CONCERN_MANY] = {"%u signalen zeggen alleen iets over zorgen. Ze kunnen ook een andere oorzaak hebben.",
			    "%u signals only point to concern. They can also have another cause."},
	[G_LEVEL_REPORT_SELF] = {"Reden om hulp te vragen en het te melden.", "Reason to ask for help and to report it."},
	[G_BASIS_MINOR_ACT_SELF] = {"Je bent jonger dan 18. Dan hoeft niemand je te dwingen: regelt iemand anders seks voor je met anderen, of moet je misdaad plegen voor een ander? Dan is dat al uitbuiting. Het is niet jouw schuld.",
				    "You are under 18. Then no one has to force you: if someone else arranges sex for you with others, or you have to commit crimes for someone else, that is already exploitation. It is not your fault."},
	[G_BASIS_ADULT_EXPLOITATION_SELF] = {"Er zijn signalen van uitbuiting en ook van dwang of van misbruik van je afhankelijke positie. Hoe het begon, hoeft niet bekend te zijn om hulp te krijgen.",
					     "There are signals of exploitation and also of force or of abuse of your dependent position. How it started does not need to be known for you to get help."},
	[G_NEXT_REPORT_SELF] = {"Wat je nu doet: bel een van de instanties hieronder. Zij luisteren naar je en kijken wat je nodig hebt.",
				"What to do now: call one of the organisations below. They listen to you and look at what you need."},
	[G_NEXT_DISCUSS_SELF] = {"Wat je nu doet: praat erover met een van de instanties hieronder. Je kunt eerst je verhaal vertellen zonder je naam te zeggen.",
				 "What to do now: talk about it with one of the organisations below. You can tell your story first without giving your name."},
	[G_NEXT_WATCH_SELF] = {"Wat je nu doet: schrijf op wat er gebeurt (wat, wanneer, waar). Twijfel je? Vraag advies, ook zonder je naam te zeggen.",
			       "What to do now: write down what happens (what, when, where). Not sure? Ask for advice, also without giving your name."},
	[G_UNKNOWN_INTRO_SELF] = {"Vertel in het gesprek ook:", "When you talk to them, also tell them:"},
	[G_UNKNOWN_SEXUAL_ACT_SELF] = {"of je seks moet hebben met anderen, en of een ander dat regelt of eraan verdient",
				       "whether you have to have sex with others, and whether someone else arranges it or earns from it"},
	[G_UNKNOWN_CRIMINAL_ACT_SELF] = {"of je misdaad moet plegen voor een ander, zoals drugs verkopen of vervoeren",
					 "whether you have to commit crimes for someone else, such as selling or carrying drugs"},
	[G_UNKNOWN_DECEPTIVE_SELF] = {"of je bent misleid toen je het werk kreeg (over het werk, het loon of de woning)",
				      "whether you were deceived when you got the work (about the work, the pay or the housing)"},
	[G_UNKNOWN_COERCIVE_SELF] = {"of je werd gedwongen of ontvoerd toen het begon",
				     "whether you were forced or abducted when it started"},
	[G_UNKNOWN_RECRUITMENT_VULNERABILITY_SELF] = {"of iemand misbruik maakte van je moeilijke situatie toen het begon",
						      "whether someone took advantage of your difficult situation when it started"},
	[G_UNKNOWN_EXPLOITATIVE_SELF] = {"hoe je werk, je loon en je woning zijn", "what your work, your pay and your housing are like"},
	[G_UNKNOWN_COERCION_SELF] = {"of er nu dwang, dreiging of geweld tegen je is",
				     "whether there is force, threats or violence against you now"},
	[G_UNKNOWN_VULNERABILITY_AT_DESTINATION_SELF] = {"of iemand nu misbruik maakt van je afhankelijke positie",
							 "whether someone now takes advantage of your dependent position"},
	[G_DETAILS_HEADING] = {"Details: de aanwijzingen per onderdeel.", "Details: the indications per part."},
	[G_DETAILS_RULE] = {"Een onderdeel is genoeg bij 2 sterke aanwijzingen; of 1 sterke en 1 andere; of 3 middelsterke; of 2 middelsterke en 1 zwakke.",
			    "A part is enough with 2 strong indications; or 1 strong and 1 other; or 3 medium; or 2 medium and 1 weak."},
	[G_DETAILS_FORM_ADULT] = {"%s, gewogen zoals voor een volwassene:", "%s, weighed as for an adult:"},
	[G_DETAILS_FORM_MINOR] = {"%s, gewogen zoals voor iemand jonger dan 18:", "%s, weighed as for someone under 18:"},
	[G_DETAILS_ENOUGH] = {"genoeg", "enough"},
	[G_DETAILS_NOT_ENOUGH] = {"nog niet genoeg", "not enough yet"},
	[G_DETAILS_NO_SIGNALS] = {"geen aanwijzingen", "no indications"},
	[G_DETAILS_STRICT_MET] = {"De strikte combinatieregel van de indicatoren is vervuld.",
				  "The strict combination rule of the indicators is met."},
	[G_DETAILS_STRICT_NOT_MET] = {"De strikte combinatieregel van de indicatoren is niet vervuld.",
				      "The strict combination rule of the indicators is not met."},
	[G_STRONG_ONE] = {"1 sterke aanwijzing", "1 strong indication"},
	[G_STRONG_MANY] = {"%u sterke aanwijzingen", "%u strong indications"},
	[G_MEDIUM_ONE] = {"1 middelsterke aanwijzing", "1 medium indication"},
	[G_MEDIUM_MANY] = {"%u middelsterke aanwijzingen", "%u medium indications"},
	[G_WEAK_ONE] = {"1 zwakke aanwijzing", "1 weak indication"},
	[G_WEAK_MANY] = {"%u zwakke aanwijzingen", "%u weak indications"},
	[G_DIM_DECEPTIVE_RECRUITMENT] = {"misleiding bij de werving", "deception when recruited"},
	[G_DIM_COERCIVE_RECRUITMENT] = {"dwang bij de werving", "force when recruited"},
	[G_DIM_RECRUITMENT_VULNERABILITY] = {"misbruik van een moeilijke situatie bij de werving",
					     "abuse of a difficult situation when recruited"},
	[G_DIM_EXPLOITATIVE_CONDITIONS] = {"uitbuitende omstandigheden", "exploitative conditions"},
	[G_DIM_COERCION] = {"dwang, dreiging of geweld nu", "force, threats or violence now"},
	[G_DIM_VULNERABILITY_AT_DESTINATION] = {"misbruik van een afhankelijke positie nu",
						"abuse of a dependent position now"},
	[G_WEIGHT] = {"Gewicht:", "Weight:"},
	[G_WEIGHT_ITEM] = {"%s aanwijzing van %s (%s)", "%s indication of %s (%s)"},
	[G_WEIGHT_NONE] = {"geen. Dit is een signaal van zorg; het kan ook een andere oorzaak hebben.",
			   "none. This is a signal of concern; it can also have another cause."},
	[G_STRENGTH_STRONG] = {"sterke", "strong"},
	[G_STRENGTH_MEDIUM] = {"middelsterke", "medium"},
	[G_STRENGTH_WEAK] = {"zwakke", "weak"},
	[G_PROFILE_ADULT] = {"volwassene", "adult"},
	[G_PROFILE_MINOR] = {"jonger dan 18", "under 18"},
	[G_PROFILE_BOTH] = {"volwassene en jonger dan 18", "adult and under 18"},
	[G_LOW_CONFIDENCE] = {", onzeker", ", uncertain"},
	[G_ACT] = {"Dit signaal beschrijft de uitbuiting zelf. Bij iemand jonger dan 18 is één zo'n signaal genoeg reden om te melden.",
		   "This signal describes the exploitation itself. For someone under 18, one such signal is reason enough to report."},
	[G_ONLY_FOR_ADULTS] = {"Alleen voor volwassenen.", "For adults only."},
	[G_ONLY_FOR_MINORS] = {"Alleen voor kinderen en jongeren onder 18.", "For children and young people under 18 only."},
	[G_SOURCE] = {"Bron:", "Source:"},
	[G_DIRECTORY_HEADING] = {"Instanties:", "Organisations:"},
	[G_BAD_ANSWER] = {"Dat antwoord ken ik niet. Typ een nummer van 1 tot %d.", "I don't know that answer. Type a number from 1 to %d."},
	[G_BAD_LIST] = {"Dat begrijp ik niet. Typ nummers van 1 tot %d, met komma's ertussen.",
			"I don't understand that. Type numbers from 1 to %d, separated by commas."},
	[G_STOPPED] = {"Gestopt. Bij acuut gevaar: bel 112.", "Stopped. In acute danger: call 112."},
	[G_END] = {"Dank je wel. Bij acuut gevaar: bel altijd 112.", "Thank you. In acute danger: always call 112."},
};

static const char *gtext(enum guide_text id, enum kb_lang lang)
{
	return guide_texts[id][lang];
}

/* ---- the weighing in words (shared with the command line) ---- */

void wegwijzer_form_title(enum kb_form form, enum kb_lang lang, char *out, size_t size)
{
	snprintf(out, size, "%s", text_form_name(form, lang));
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

static const char *dimension_name(enum kb_dimension dimension, enum kb_lang lang)
{
	static const enum guide_text ids[KB_DIMENSION_COUNT] = {
		G_DIM_DECEPTIVE_RECRUITMENT,   G_DIM_COERCIVE_RECRUITMENT, G_DIM_RECRUITMENT_VULNERABILITY,
		G_DIM_EXPLOITATIVE_CONDITIONS, G_DIM_COERCION,		   G_DIM_VULNERABILITY_AT_DESTINATION,
	};
	return gtext(ids[dimension], lang);
}

static const char *level_text(enum assess_level level, const struct wegwijzer_view *view)
{
	if (view->about_self && level == ASSESS_LEVEL_REPORT)
		return gtext(G_LEVEL_REPORT_SELF, view->lang);
	return text_level(level, view->lang);
}

static const char *basis_text(enum assess_basis basis, enum kb_form form, const struct wegwijzer_view *view)
{
	if (view->about_self && basis == ASSESS_BASIS_MINOR_ACT)
		return gtext(G_BASIS_MINOR_ACT_SELF, view->lang);
	if (view->about_self && basis == ASSESS_BASIS_ADULT_EXPLOITATION)
		return gtext(G_BASIS_ADULT_EXPLOITATION_SELF, view->lang);
	return text_basis(basis, form, view->lang);
}

static const char *next_step_text(enum assess_level level, const struct wegwijzer_view *view)
{
	if (view->about_self && level == ASSESS_LEVEL_REPORT)
		return gtext(G_NEXT_REPORT_SELF, view->lang);
	if (view->about_self && level == ASSESS_LEVEL_DISCUSS)
		return gtext(G_NEXT_DISCUSS_SELF, view->lang);
	if (view->about_self && level == ASSESS_LEVEL_WATCH)
		return gtext(G_NEXT_WATCH_SELF, view->lang);
	return text_next_step(level, view->lang);
}

/* What is not known for one part; `form` is KB_FORM_COUNT for an answer
 * that covers several forms. The "you" versions are the guide's own. */
static const char *unknown_text(enum kb_dimension dimension, enum kb_form form, const struct wegwijzer_view *view)
{
	enum kb_lang lang = view->lang;
	if (!view->about_self)
		return text_unknown_dimension(dimension, form, lang);
	if (dimension == KB_DIMENSION_EXPLOITATIVE_CONDITIONS && form == KB_FORM_SEXUAL)
		return gtext(G_UNKNOWN_SEXUAL_ACT_SELF, lang);
	if (dimension == KB_DIMENSION_EXPLOITATIVE_CONDITIONS && form == KB_FORM_CRIMINAL)
		return gtext(G_UNKNOWN_CRIMINAL_ACT_SELF, lang);
	static const enum guide_text self[KB_DIMENSION_COUNT] = {
		G_UNKNOWN_DECEPTIVE_SELF,    G_UNKNOWN_COERCIVE_SELF, G_UNKNOWN_RECRUITMENT_VULNERABILITY_SELF,
		G_UNKNOWN_EXPLOITATIVE_SELF, G_UNKNOWN_COERCION_SELF, G_UNKNOWN_VULNERABILITY_AT_DESTINATION_SELF,
	};
	return gtext(self[dimension], lang);
}

/* One form's answer; `title` NULL: the combined answer for several forms,
 * which is provisional only when every form in it is. */
static void print_form_block(FILE *out, const struct assess_form *form, enum kb_form f, const char *title,
			     bool provisional, const struct wegwijzer_view *view)
{
	if (title)
		fprintf(out, "\n%s: %s\n", title, level_text(form->level, view));
	else
		fprintf(out, "\n%s\n", level_text(form->level, view));
	fprintf(out, "  %s\n", basis_text(form->basis, f, view));
	if (provisional && form->level != ASSESS_LEVEL_NONE)
		fprintf(out, "  %s\n", text_get(T_ASSESS_PROVISIONAL, view->lang));
	unsigned unknown = assess_open_questions(form);
	if (unknown) {
		fprintf(out, "  %s\n",
			view->about_self ? gtext(G_UNKNOWN_INTRO_SELF, view->lang)
					 : text_get(T_ASSESS_UNKNOWN_INTRO, view->lang));
		for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
			if (unknown & (1u << d))
				fprintf(out, "  - %s\n", unknown_text((enum kb_dimension)d, f, view));
		}
	}
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void print_count(FILE *out, unsigned count, enum guide_text one, enum guide_text many, bool *first,
			enum kb_lang lang)
{
	if (count == 0)
		return;
	fputs(*first ? "" : ", ", out);
	*first = false;
	if (count == 1)
		fputs(gtext(one, lang), out);
	else
		fprintf(out, gtext(many, lang), count);
}

static void print_details(FILE *out, const struct assess_form *form, const char *title, enum kb_lang lang)
{
	fputc('\n', out);
	fprintf(out, gtext(form->profile == KB_PROFILE_MINOR ? G_DETAILS_FORM_MINOR : G_DETAILS_FORM_ADULT, lang),
		title);
	fputc('\n', out);
	for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
		const struct assess_dimension *dimension = &form->dimensions[d];
		fprintf(out, "  - %s: ", dimension_name((enum kb_dimension)d, lang));
		if (dimension->strong + dimension->medium + dimension->weak == 0) {
			fprintf(out, "%s.\n", gtext(G_DETAILS_NO_SIGNALS, lang));
			continue;
		}
		bool first = true;
		print_count(out, dimension->strong, G_STRONG_ONE, G_STRONG_MANY, &first, lang);
		print_count(out, dimension->medium, G_MEDIUM_ONE, G_MEDIUM_MANY, &first, lang);
		print_count(out, dimension->weak, G_WEAK_ONE, G_WEAK_MANY, &first, lang);
		fprintf(out, " (%s).\n", gtext(dimension->positive ? G_DETAILS_ENOUGH : G_DETAILS_NOT_ENOUGH, lang));
	}
	fprintf(out, "  %s\n", gtext(form->indicated ? G_DETAILS_STRICT_MET : G_DETAILS_STRICT_NOT_MET, lang));
}

void wegwijzer_print_assessment(FILE *out, const struct kb *kb, const struct assess_result *result,
				size_t signal_count, const struct wegwijzer_view *view)
{
	(void)kb;
	enum kb_lang lang = view->lang;
	fprintf(out, "%s\n", gtext(G_ASSESS_HEADING, lang));
	if (signal_count == 0) {
		fprintf(out, "%s\n", gtext(G_ASSESS_NONE, lang));
		return;
	}
	if (result->age == KB_AGE_UNKNOWN && !view->about_self)
		fprintf(out, "%s\n", text_get(T_ASSESS_AGE_UNKNOWN, lang));

	/* The relevant forms; when none is, one combined answer with the form
	 * that weighs most (docs/assessment.md section 6). */
	unsigned shown = 0;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (result->forms[f].relevant)
			shown |= 1u << f;
	}
	enum assess_level highest = ASSESS_LEVEL_NONE;
	if (shown) {
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (!(shown & (1u << f)))
				continue;
			char title[80];
			wegwijzer_form_title((enum kb_form)f, lang, title, sizeof title);
			print_form_block(out, &result->forms[f], (enum kb_form)f, title, result->forms[f].provisional,
					 view);
			if (result->forms[f].level > highest)
				highest = result->forms[f].level;
		}
	} else {
		int top = 0;
		unsigned weighed = 0;
		bool all_provisional = true;
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (result->forms[f].level > result->forms[top].level)
				top = f;
			weighed += result->forms[f].level != ASSESS_LEVEL_NONE;
			if (result->forms[f].level != ASSESS_LEVEL_NONE)
				all_provisional = all_provisional && result->forms[f].provisional;
		}
		highest = result->forms[top].level;
		if (weighed > 1)
			fprintf(out, "%s\n", text_get(T_ASSESS_SEVERAL_FORMS, lang));
		char title[80];
		wegwijzer_form_title((enum kb_form)top, lang, title, sizeof title);
		print_form_block(out, &result->forms[top], weighed > 1 ? KB_FORM_COUNT : (enum kb_form)top,
				 weighed > 1 ? NULL : title, weighed > 1 ? all_provisional : result->forms[top].provisional,
				 view);
		shown = weighed > 1 ? 0 : 1u << top;
		if (weighed > 1) {
			for (int f = 0; f < KB_FORM_COUNT; f++) {
				if (result->forms[f].level != ASSESS_LEVEL_NONE)
					shown |= 1u << f;
			}
		}
	}
	/* The concern signals, unless the answer above already rests on them alone. */
	bool weighed_answer = false;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		enum assess_basis basis = result->forms[f].basis;
		if ((shown & (1u << f)) && basis != ASSESS_BASIS_NOTHING && basis != ASSESS_BASIS_CONCERN_ONLY &&
		    basis != ASSESS_BASIS_MANY_CONCERNS)
			weighed_answer = true;
	}
	if (result->concern && weighed_answer) {
		fputc('\n', out);
		if (result->concern == 1)
			fputs(gtext(G_CONCERN_ONE, lang), out);
		else
			fprintf(out, gtext(G_CONCERN_MANY, lang), result->concern);
		fputc('\n', out);
	}
	fprintf(out, "\n%s\n", next_step_text(highest, view));
	if (view->details) {
		fprintf(out, "\n%s\n%s\n", gtext(G_DETAILS_HEADING, lang), gtext(G_DETAILS_RULE, lang));
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (!(shown & (1u << f)))
				continue;
			char title[80];
			wegwijzer_form_title((enum kb_form)f, lang, title, sizeof title);
			print_details(out, &result->forms[f], title, lang);
		}
	}
	fprintf(out, "\n%s\n", text_get(T_ASSESS_NOT_A_VERDICT, lang));
}
#pragma GCC diagnostic pop

/* ---- signals: weights in words and sources ---- */

static const char *strength_word(enum kb_strength strength, enum kb_lang lang)
{
	if (strength == KB_STRENGTH_STRONG)
		return gtext(G_STRENGTH_STRONG, lang);
	return gtext(strength == KB_STRENGTH_MEDIUM ? G_STRENGTH_MEDIUM : G_STRENGTH_WEAK, lang);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void wegwijzer_print_signal_detail(FILE *out, const struct kb *kb, const struct kb_signal *signal, enum kb_form form,
				   enum kb_lang lang)
{
	fprintf(out, "    %s ", gtext(G_WEIGHT, lang));
	bool any = false;
	bool form_provisional = kb->form_provisional[form];
	for (size_t w = 0; w < signal->weight_count; w++) {
		const struct kb_weight *weight = &signal->weights[w];
		if (weight->form != form)
			continue;
		/* the same indicator and strength for both profiles is said once */
		bool said = false;
		bool both = false;
		for (size_t v = 0; v < signal->weight_count; v++) {
			const struct kb_weight *other = &signal->weights[v];
			if (v == w || other->form != form || other->dimension != weight->dimension ||
			    other->strength != weight->strength || other->indicator != weight->indicator)
				continue;
			both = true;
			said = said || v < w;
		}
		if (said)
			continue;
		enum guide_text whom = both ? G_PROFILE_BOTH
				       : weight->profile == KB_PROFILE_ADULT ? G_PROFILE_ADULT
									      : G_PROFILE_MINOR;
		/* a row the source marks uncertain, in a form that is not provisional as a whole */
		bool uncertain = weight->confidence == KB_CONFIDENCE_LOW && !form_provisional;
		char profile[120];
		snprintf(profile, sizeof profile, "%s%s", gtext(whom, lang), uncertain ? gtext(G_LOW_CONFIDENCE, lang) : "");
		fputs(any ? "; " : "", out);
		any = true;
		fprintf(out, gtext(G_WEIGHT_ITEM, lang), strength_word(weight->strength, lang),
			dimension_name(weight->dimension, lang), profile);
	}
	if (!any)
		fputs(gtext(G_WEIGHT_NONE, lang), out);
	else
		fputc('.', out);
	fputc('\n', out);
	if (signal->acts & (1u << form))
		fprintf(out, "    %s\n", gtext(G_ACT, lang));
	unsigned both_profiles = (1u << KB_PROFILE_ADULT) | (1u << KB_PROFILE_MINOR);
	if ((signal->profiles & both_profiles) == (1u << KB_PROFILE_ADULT))
		fprintf(out, "    %s\n", gtext(G_ONLY_FOR_ADULTS, lang));
	else if ((signal->profiles & both_profiles) == (1u << KB_PROFILE_MINOR))
		fprintf(out, "    %s\n", gtext(G_ONLY_FOR_MINORS, lang));
	fprintf(out, "    %s %s\n", gtext(G_SOURCE, lang), signal->source);
}
#pragma GCC diagnostic pop

void wegwijzer_print_result_heading(FILE *out, enum kb_lang lang)
{
	fprintf(out, "%s\n", gtext(G_RESULT_HEADING, lang));
}

void wegwijzer_print_channel_directory(FILE *out, const struct kb *kb, enum kb_lang lang)
{
	fprintf(out, "\n%s\n", gtext(G_DIRECTORY_HEADING, lang));
	for (size_t i = 0; i < kb->channel_count; i++) {
		const struct kb_channel *channel = &kb->channels[i];
		fprintf(out, "  - %s: %s %s", channel->name[lang], gtext(G_CALL, lang), channel->phone_display);
		if (channel->url)
			fprintf(out, " / %s", channel->url);
		fputc('\n', out);
	}
}

/* ---- the guide ---- */

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

/* Parses "1,3 4" into chosen[0..max-1]; a word that is not a number must be
 * one of `ids` (the signal ids of a checklist, so a script can name them).
 * False when anything else is typed. */
static bool parse_choices(const char *answer, int max, bool *chosen, const char *const *ids)
{
	memset(chosen, 0, (size_t)max * sizeof *chosen);
	const char *p = answer;
	while (*p) {
		if (*p == ',' || *p == ' ' || *p == ';') {
			p++;
			continue;
		}
		size_t len = strcspn(p, ", ;");
		if (*p >= '0' && *p <= '9') {
			int number = 0;
			for (size_t i = 0; i < len; i++) {
				if (p[i] < '0' || p[i] > '9')
					return false;
				number = number * 10 + (p[i] - '0');
				if (number > max)
					return false;
			}
			if (number < 1)
				return false;
			chosen[number - 1] = true;
		} else {
			bool found = false;
			for (int i = 0; ids && i < max && !found; i++) {
				if (strlen(ids[i]) == len && strncasecmp(ids[i], p, len) == 0) {
					chosen[i] = true;
					found = true;
				}
			}
			if (!found)
				return false;
		}
		p += len;
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

#define MAX_OPTIONS 8

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* Asks one question; `multiple` allows several answers. `examples` (may be
 * NULL) are shown as a list before the answers. Returns READ_END when the
 * user stops; `chosen` gets bit (1 << (answer - 1)) per answer. */
static enum read_status ask(struct guide *g, int number, enum guide_text question, const enum guide_text *examples,
			    int example_count, const enum guide_text *options, int count, bool multiple,
			    unsigned *chosen)
{
	fputc('\n', g->out);
	fprintf(g->out, say(g, G_QUESTION), number, QUESTION_COUNT);
	fprintf(g->out, " %s\n", say(g, question));
	if (examples) {
		fprintf(g->out, "%s\n", say(g, G_DANGER_EXAMPLES));
		for (int i = 0; i < example_count; i++)
			fprintf(g->out, "  - %s\n", say(g, examples[i]));
	}
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
		bool picked[MAX_OPTIONS];
		if (parse_choices(answer, count, picked, NULL)) {
			*chosen = 0;
			int picked_count = 0;
			for (int i = 0; i < count; i++) {
				if (picked[i]) {
					*chosen |= 1u << i;
					picked_count++;
				}
			}
			if (picked_count == 1 || (multiple && picked_count > 1))
				return READ_OK;
		}
		fprintf(g->out, say(g, G_BAD_ANSWER), count);
		fputc('\n', g->out);
	}
}

/* The state of a recommendation in one sentence, with "closes soon". */
static void describe_state(struct guide *g, const struct route_recommendation *item, char *out, size_t size)
{
	if (item->closes_soon) {
		char clock[8];
		text_clock(item->state.closes_at, clock, sizeof clock);
		int minutes = (int)((item->state.closes_at - g->now + 59) / 60);
		if (minutes <= 1)
			snprintf(out, size, text_get(T_STATE_CLOSES_IN_A_MINUTE, g->lang), clock);
		else
			snprintf(out, size, text_get(T_STATE_CLOSES_SOON, g->lang), minutes, clock);
		return;
	}
	route_describe_state(item->channel, item->state, g->now, g->lang, out, size);
}
#pragma GCC diagnostic pop

static void print_recommendations(struct guide *g, const struct route_result *route)
{
	fprintf(g->out, "\n%s\n", say(g, G_RESULT_HEADING));
	for (size_t i = 0; i < route->count; i++) {
		const struct route_recommendation *item = &route->items[i];
		fprintf(g->out, "\n%zu. %s: %s %s\n", i + 1, item->channel->name[g->lang], say(g, G_CALL),
			item->channel->phone_display);
		if (item->channel->full_name)
			fprintf(g->out, "   %s\n", item->channel->full_name);
		if (item->channel->url)
			fprintf(g->out, "   %s %s\n", say(g, G_ONLINE_FORM), item->channel->url);
		if (item->channel->url_en && g->lang == KB_LANG_EN)
			fprintf(g->out, "   %s %s\n", say(g, G_IN_ENGLISH), item->channel->url_en);
		fprintf(g->out, "   %s\n", item->reason);
	}
}

/* After the weighing: the channels once more, short (the next step points to
 * "the organisations below"). */
static void print_channels_again(struct guide *g, const struct route_result *route)
{
	fprintf(g->out, "\n%s\n", say(g, G_CHANNELS_AGAIN));
	for (size_t i = 0; i < route->count; i++) {
		const struct route_recommendation *item = &route->items[i];
		char state[400];
		describe_state(g, item, state, sizeof state);
		fprintf(g->out, "  %zu. %s: %s %s. %s\n", i + 1, item->channel->name[g->lang], say(g, G_CALL),
			item->channel->phone_display, state);
	}
}

/* The forms whose signals the checklist shows: those chosen, or all when none was. */
static unsigned checklist_forms(const struct situation *situation)
{
	return situation->forms ? situation->forms : (1u << KB_FORM_COUNT) - 1;
}

static unsigned profiles_for(enum kb_age age)
{
	if (age == KB_AGE_UNKNOWN)
		return (1u << KB_PROFILE_ADULT) | (1u << KB_PROFILE_MINOR);
	return 1u << (age == KB_AGE_MINOR ? KB_PROFILE_MINOR : KB_PROFILE_ADULT);
}

static int popcount(unsigned bits)
{
	int count = 0;
	for (; bits; bits &= bits - 1)
		count++;
	return count;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* One numbered list in which each signal appears once: first the signals that
 * fit more than one of the chosen forms, then those of each form alone.
 * Numbers or signal ids may be typed. */
static enum read_status run_checklist(struct guide *g, const struct situation *situation, size_t *signals,
				      size_t *signal_count)
{
	unsigned forms = checklist_forms(situation);
	unsigned profiles = profiles_for(situation->age);
	size_t shown[SITUATION_MAX_SIGNALS];
	const char *ids[SITUATION_MAX_SIGNALS];
	int count = 0;
	*signal_count = 0;
	if (situation->about_self)
		fprintf(g->out, "\n%s\n", say(g, G_CHECKLIST_SELF_NOTE));
	/* group -1: shared by several chosen forms; then one group per form */
	for (int group = -1; group < KB_FORM_COUNT; group++) {
		bool heading = false;
		for (size_t i = 0; i < g->kb->signal_count && count < SITUATION_MAX_SIGNALS; i++) {
			const struct kb_signal *signal = &g->kb->signals[i];
			unsigned in_chosen = signal->forms & forms;
			if (!in_chosen || !(signal->profiles & profiles))
				continue;
			bool shared = popcount(in_chosen) > 1;
			if (group < 0 ? !shared : (shared || in_chosen != (1u << group)))
				continue;
			if (!heading) {
				fputc('\n', g->out);
				if (group < 0)
					fputs(say(g, G_CHECKLIST_SHARED), g->out);
				else
					fprintf(g->out, say(g, G_CHECKLIST_HEADING),
						text_form_name((enum kb_form)group, g->lang));
				fputc('\n', g->out);
				heading = true;
			}
			shown[count] = i;
			ids[count] = signal->id;
			count++;
			fprintf(g->out, "  %d. %s\n", count, signal->text[g->lang]);
		}
	}
	fprintf(g->out, "%s\n", say(g, situation->about_self ? G_CHECKLIST_HOW_SELF : G_CHECKLIST_HOW));
	char answer[ANSWER_SIZE];
	bool chosen[SITUATION_MAX_SIGNALS];
	for (;;) {
		if (read_answer(g, answer) == READ_END)
			return READ_END;
		if (parse_choices(answer, count, chosen, ids))
			break;
		fprintf(g->out, say(g, G_BAD_LIST), count);
		fputc('\n', g->out);
	}
	for (int i = 0; i < count; i++) {
		if (chosen[i])
			signals[(*signal_count)++] = shown[i];
	}
	return READ_OK;
}
#pragma GCC diagnostic pop

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static enum read_status run_questions(struct guide *g)
{
	static const enum guide_text yes_no[] = {G_YES, G_NO};
	static const enum guide_text yes_no_unsure[] = {G_YES, G_NO, G_DONT_KNOW};
	static const enum guide_text danger_examples[] = {G_DANGER_HURT, G_DANGER_LOCKED, G_DANGER_CHILD,
							  G_DANGER_MOVED};
	static const enum guide_text who[] = {G_WHO_OTHER, G_WHO_CHILD_AT_WORK, G_WHO_SELF};
	static const enum guide_text forms[] = {G_FORM_SEXUAL, G_FORM_LABOUR, G_FORM_CRIMINAL, G_DONT_KNOW};
	static const enum guide_text forms_self[] = {G_FORM_SEXUAL_SELF, G_FORM_LABOUR_SELF, G_FORM_CRIMINAL_SELF,
						     G_DONT_KNOW};
	static const enum guide_text needs[] = {G_NEED_ADVICE, G_NEED_REPORT, G_NEED_ANONYMOUS, G_NEED_UNSURE};
	static const enum guide_text needs_self[] = {G_NEED_HELP_SELF, G_NEED_REPORT_SELF, G_NEED_ANONYMOUS,
						     G_NEED_UNSURE};
	static const enum guide_text regions[] = {G_REGION_ROTTERDAM, G_REGION_OTHER};
	struct situation situation;
	unsigned chosen;
	situation_init(&situation);
	situation.lang = g->lang;

	if (ask(g, 1, G_Q_DANGER, danger_examples, 4, yes_no, 2, false, &chosen) == READ_END)
		return READ_END;
	situation.acute_danger = chosen == 1;
	if (situation.acute_danger)
		fprintf(g->out, "\n*** %s ***\n", say(g, G_CALL_112_NOW));

	if (ask(g, 2, G_Q_WHO, NULL, 0, who, 3, false, &chosen) == READ_END)
		return READ_END;
	situation.works_with_children = chosen == 2;
	situation.about_self = chosen == 4;
	bool self = situation.about_self;

	if (ask(g, 3, self ? G_Q_FORMS_SELF : G_Q_FORMS, NULL, 0, self ? forms_self : forms, 4, true, &chosen) ==
	    READ_END)
		return READ_END;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (chosen & (1u << f))
			situation.forms |= 1u << f;
	}
	situation.form_unknown = (chosen & 8) != 0;

	enum guide_text age_question = self ? G_Q_MINOR_SELF : situation.works_with_children ? G_Q_MINOR_CHILD : G_Q_MINOR;
	if (ask(g, 4, age_question, NULL, 0, yes_no_unsure, 3, false, &chosen) == READ_END)
		return READ_END;
	situation.age = chosen == 1 ? KB_AGE_MINOR : chosen == 4 ? KB_AGE_UNKNOWN : KB_AGE_ADULT;

	if (ask(g, 5, G_Q_NEED, NULL, 0, self ? needs_self : needs, 4, false, &chosen) == READ_END)
		return READ_END;
	situation.wants_advice = chosen == 1;
	situation.report_victim = chosen == 2;
	situation.wants_anonymity = chosen == 4;

	if (ask(g, 6, self ? G_Q_REGION_SELF : G_Q_REGION, NULL, 0, regions, 2, false, &chosen) == READ_END)
		return READ_END;
	situation.region = chosen == 1 ? REGION_ROTTERDAM : REGION_OTHER;

	struct route_result route;
	route_for_situation(g->kb, &situation, g->now, &route);
	print_recommendations(g, &route);

	fprintf(g->out, "\n%s\n", say(g, self ? G_Q_CHECKLIST_SELF : G_Q_CHECKLIST));
	print_options(g, yes_no, 2);
	char answer[ANSWER_SIZE];
	for (;;) {
		if (read_answer(g, answer) == READ_END)
			return READ_END;
		if (is_word(answer, yes_words) || strcmp(answer, "1") == 0) {
			chosen = 1;
			break;
		}
		if (is_word(answer, no_words) || strcmp(answer, "2") == 0) {
			chosen = 2;
			break;
		}
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
			struct wegwijzer_view view = {.lang = g->lang, .about_self = self, .details = false};
			fputc('\n', g->out);
			wegwijzer_print_assessment(g->out, g->kb, &result, signal_count, &view);
			assess_result_release(&result);
			print_channels_again(g, &route);
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
