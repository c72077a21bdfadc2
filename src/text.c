#include "text.h"

#include <stdio.h>

#include "hours.h"

/* Designated initialisers per id: a sentence added to the enum but not here
 * is NULL, and test_text checks that no entry is NULL in any language. */
static const char *const texts[T_COUNT][KB_LANG_COUNT] = {
	[T_REASON_112_ACUTE] = {"Er is acuut gevaar. Bel meteen 112.",
				"There is acute danger. Call 112 straight away."},
	[T_REASON_112_LATER] = {"Wordt het gevaarlijk? Bel dan altijd meteen 112.",
				"If it becomes dangerous, always call 112 straight away."},
	[T_REASON_MMA_WANTED] = {"Je wilt anoniem blijven. Bij Meld Misdaad Anoniem hoef je je naam niet te geven. Je melding gaat alleen door naar de politie of een andere instantie als je anonimiteit zeker is.",
				 "You want to stay anonymous. At Meld Misdaad Anoniem you do not have to give your name. Your report is passed on to the police or another agency only if your anonymity is guaranteed."},
	[T_REASON_MMA_OPTION] = {"Wil je liever anoniem melden? Dat kan bij Meld Misdaad Anoniem.",
				 "Would you rather report anonymously? You can do that at Meld Misdaad Anoniem."},
	[T_REASON_ESSM_ADVICE] = {"Je wilt advies. Een maatschappelijk werker van het meld- en adviespunt bespreekt de signalen met je en kijkt met je naar de volgende stappen. Dat kan ook anoniem.",
				  "You want advice. A social worker at the advice and reporting point talks the signals through with you and looks at next steps with you. This can also be done anonymously."},
	[T_REASON_ESSM_REPORT] = {"Je wilt een (mogelijk) slachtoffer melden. Dat kan bij het meld- en adviespunt van ESSM in de regio Rotterdam. ESSM biedt slachtoffers ook hulp en opvang.",
				  "You want to report a (possible) victim. You can do that at the ESSM advice and reporting point in the Rotterdam region. ESSM also offers victims help and shelter."},
	[T_REASON_ESSM_OPTION] = {"Twijfel je of het om uitbuiting gaat? Bespreek het met het meld- en adviespunt. Dat kan ook anoniem.",
				  "Not sure whether it is exploitation? Talk it through with the advice and reporting point. This can also be done anonymously."},
	[T_REASON_NLA_LABOUR] = {"Je ziet signalen van oneerlijk, onveilig of ongezond werk. Meld die bij de Nederlandse Arbeidsinspectie, telefonisch of met het online formulier.",
				 "You see signals of unfair, unsafe or unhealthy work. Report them to the Netherlands Labour Authority, by phone or with the online form."},
	[T_REASON_POLITIE_MAIN] = {"Je vermoedt mensenhandel en er is geen spoed. Bel dan het algemene nummer van de politie.",
				   "You suspect human trafficking and it is not urgent. Then call the police's general number."},
	[T_REASON_POLITIE_AFTER_ACUTE] = {"Als er geen acuut gevaar meer is, kun je een vermoeden van mensenhandel ook melden via het algemene nummer van de politie.",
					  "Once there is no acute danger, you can also report a suspicion of human trafficking through the police's general number."},
	[T_REASON_POLITIE_OPTION] = {"Vermoed je mensenhandel en is er geen spoed? Dan kun je ook de politie bellen.",
				     "Do you suspect human trafficking and is it not urgent? Then you can also call the police."},
	[T_REASON_OUTSIDE_REGION] = {"Het meld- en adviespunt van ESSM is er alleen voor de regio Rotterdam. Buiten die regio bel je de politie als je mensenhandel vermoedt.",
				     "The ESSM advice and reporting point only serves the Rotterdam region. Outside that region, call the police if you suspect human trafficking."},
	[T_REASON_VEILIGTHUIS_MINOR] = {"Het gaat om iemand jonger dan 18. Veilig Thuis geeft advies en neemt meldingen aan over kindermishandeling. Werk je met kinderen of jongeren? Volg dan ook de meldcode.",
					"This concerns someone under 18. Veilig Thuis gives advice and takes reports about child abuse. Do you work with children or young people? Then also follow the reporting code."},
	[T_REASON_OTHER_CHANNEL] = {"Ook deze instantie kan helpen.", "This organisation can also help."},
	[T_REASON_ESSM_SELF] = {"Je kunt ESSM zelf bellen. ESSM helpt slachtoffers van uitbuiting in de regio Rotterdam, ook met opvang: een veilige plek om te wonen. Je kunt eerst je verhaal vertellen zonder je naam te zeggen.",
				"You can call ESSM yourself. ESSM helps victims of exploitation in the Rotterdam region, also with shelter: a safe place to stay. You can tell your story first without giving your name."},
	[T_REASON_NLA_SELF] = {"Werk je onder slechte of gevaarlijke omstandigheden, voor weinig of geen loon? Dat kun je melden bij de Nederlandse Arbeidsinspectie, telefonisch of met het online formulier.",
			       "Do you work in bad or dangerous conditions, for little or no pay? You can report that to the Netherlands Labour Authority, by phone or with the online form."},
	[T_REASON_POLITIE_SELF] = {"Je kunt ook zelf naar de politie. Is er geen spoed? Bel dan het algemene nummer.",
				   "You can also go to the police yourself. If it is not urgent, call the general number."},
	[T_REASON_VEILIGTHUIS_SELF] = {"Ben je jonger dan 18? Bij Veilig Thuis kun je terecht voor hulp en advies.",
				       "Are you under 18? Veilig Thuis can give you help and advice."},
	[T_REASON_MMA_SELF] = {"Wil je iets melden zonder je naam te geven? Dat kan bij Meld Misdaad Anoniem. Zij nemen daarna geen contact met je op.",
			       "Do you want to report something without giving your name? You can do that at Meld Misdaad Anoniem. They will not contact you afterwards."},
	[T_REASON_112_LATER_SELF] = {"Ben je in gevaar? Bel dan meteen 112.", "Are you in danger? Then call 112 straight away."},
	[T_REASON_VEILIGTHUIS_PROFESSIONAL] = {"Je werkt met kinderen of jongeren. Volg dan de meldcode: bij Veilig Thuis vraag je advies en doe je een melding.",
					       "You work with children or young people. Then follow the reporting code (meldcode): at Veilig Thuis you ask for advice and make a report."},
	[T_REASON_MMA_PROFESSIONAL] = {"Een anonieme tip is niet de weg voor iemand die de meldcode moet volgen. Wie privé anoniem iets wil melden, kan bij Meld Misdaad Anoniem terecht.",
				       "An anonymous tip is not the route for someone who must follow the reporting code. If you want to report something anonymously as a private person, you can go to Meld Misdaad Anoniem."},
	[T_REASON_VEILIGTHUIS_AGE_UNKNOWN] = {"Je weet niet of de persoon jonger is dan 18. Veilig Thuis geeft advies en neemt meldingen aan over kindermishandeling, ook als je twijfelt.",
					      "You do not know whether the person is under 18. Veilig Thuis gives advice and takes reports about child abuse, also when you are not sure."},
	[T_STATE_ALWAYS] = {"Dag en nacht bereikbaar.", "Available day and night."},
	[T_STATE_OPEN_UNTIL] = {"Nu bereikbaar, tot %s uur.", "Available now, until %s."},
	[T_STATE_CLOSED_OPENS] = {"Nu gesloten. Weer bereikbaar %s.", "Closed now. Available again %s."},
	[T_STATE_UNKNOWN] = {"De openingstijden zijn niet bekend.", "The opening hours are not known."},
	[T_STATE_UNKNOWN_WITH_FORM] = {"De openingstijden van de telefoon zijn niet bekend. Je kunt ook het online formulier gebruiken.",
				       "The phone line's opening hours are not known. You can also use the online form."},
	[T_STATE_CLOSES_SOON] = {"Nog %d minuten bereikbaar, tot %s uur.", "Available for %d more minutes, until %s."},
	[T_STATE_CLOSES_IN_A_MINUTE] = {"Nog 1 minuut bereikbaar, tot %s uur.", "Available for 1 more minute, until %s."},
	[T_ALT_POLITIE_NOW] = {"Kun je niet wachten? Bel dan de politie op %s.", "If it cannot wait, call the police on %s."},
	[T_ALT_POLITIE_AFTER] = {"Daarna kun je de politie bellen op %s.", "After that, you can call the police on %s."},
	[T_ALT_VEILIGTHUIS] = {"Gaat het om iemand jonger dan 18? Bel Veilig Thuis op %s, dag en nacht.",
			       "If it concerns someone under 18, call Veilig Thuis on %s, day and night."},
	[T_ALT_VEILIGTHUIS_SELF] = {"Ben je jonger dan 18? Bel Veilig Thuis op %s, dag en nacht.",
				    "If you are under 18, call Veilig Thuis on %s, day and night."},
	[T_ALT_VEILIGTHUIS_MINOR] = {"Of bel Veilig Thuis op %s, dag en nacht.", "Or call Veilig Thuis on %s, day and night."},
	[T_ALT_MMA] = {"Wil je anoniem blijven? Gebruik dan het online formulier van Meld Misdaad Anoniem.",
		       "If you want to stay anonymous, use the online form of Meld Misdaad Anoniem."},
	[T_ALT_112] = {"Bij acuut gevaar bel je altijd 112.", "In acute danger, always call 112."},
	[T_MOMENT_TODAY] = {"vandaag om %s uur", "today at %s"},
	[T_MOMENT_TOMORROW] = {"morgen om %s uur", "tomorrow at %s"},
	[T_MOMENT_DATE] = {"op %s %d %s om %s uur", "on %s %d %s at %s"},
	[T_LEVEL_REPORT] = {"Reden om te melden.", "Reason to report."},
	[T_LEVEL_DISCUSS] = {"Reden om het te bespreken.", "Reason to talk it over."},
	[T_LEVEL_WATCH] = {"Blijf opletten en vraag advies.", "Keep watching and ask for advice."},
	[T_LEVEL_NONE] = {"Geen signalen voor deze vorm.", "No signals for this form."},
	[T_BASIS_ILO_RULE] = {"De signalen passen samen bij het patroon dat de indicatoren van uitbuiting beschrijven.",
			      "Together, the signals fit the pattern that the indicators of exploitation describe."},
	[T_BASIS_MINOR_ACT] = {"Bij iemand jonger dan 18 is dwang niet nodig. Seks met of voor anderen die iemand anders regelt, of misdaad die iemand voor een ander doet, is dan al uitbuiting. Eén zo'n signaal is genoeg reden om te melden.",
			       "For someone under 18, no force is needed. Sex with or for others arranged by someone else, or crime done for someone else, is already exploitation. One such signal is reason enough to report."},
	[T_BASIS_MINOR_ACT_SEXUAL] = {"Bij iemand jonger dan 18 is dwang niet nodig. Seks met of voor anderen die iemand anders regelt, is dan al uitbuiting. Eén zo'n signaal is genoeg reden om te melden.",
				      "For someone under 18, no force is needed. Sex with or for others arranged by someone else is already exploitation. One such signal is reason enough to report."},
	[T_BASIS_MINOR_ACT_CRIMINAL] = {"Bij iemand jonger dan 18 is dwang niet nodig. Misdaad die iemand voor een ander doet, is dan al uitbuiting. Eén zo'n signaal is genoeg reden om te melden.",
					"For someone under 18, no force is needed. Crime done for someone else is already exploitation. One such signal is reason enough to report."},
	[T_BASIS_ADULT_EXPLOITATION] = {"Er zijn signalen van uitbuiting en ook van dwang of van misbruik van een afhankelijke positie. Hoe de persoon is geworven, weet je niet. Dat is normaal: voor een melding hoeft dat niet bekend te zijn.",
					"There are signals of exploitation and also of force or of abuse of a dependent position. You do not know how the person was recruited. That is normal: a report does not need it."},
	[T_BASIS_SERIOUS_SIGNS] = {"Er zijn ernstige signalen. Ze geven samen nog geen volledig beeld. Een medewerker kan met je bekijken wat ze betekenen.",
				   "There are serious signals. Together they do not yet give a full picture. A professional can look with you at what they mean."},
	[T_BASIS_MANY_CONCERNS] = {"Je ziet meerdere signalen die elk ook een andere oorzaak kunnen hebben. Samen geven ze reden om het met iemand te bespreken.",
				   "You see several signals that could each have another cause. Together they are a reason to talk it over with someone."},
	[T_BASIS_WEAK_SIGNS] = {"Er zijn een paar signalen die op uitbuiting kunnen wijzen. Ze kunnen ook een andere oorzaak hebben.",
				"There are a few signals that may point to exploitation. They can also have another cause."},
	[T_BASIS_CONCERN_ONLY] = {"De signalen geven reden tot zorg. Ze kunnen ook een andere oorzaak hebben.",
				  "The signals give reason for concern. They can also have another cause."},
	[T_BASIS_NOTHING] = {"Je koos geen signalen voor deze vorm.", "You chose no signals for this form."},
	[T_NEXT_REPORT] = {"Wat je nu doet: meld het bij een van de instanties hieronder. Zij beoordelen wat er aan de hand is.",
			   "What to do now: report it to one of the organisations below. They judge what is going on."},
	[T_NEXT_DISCUSS] = {"Wat je nu doet: bespreek de signalen met een van de instanties hieronder. Dat kan ook anoniem.",
			    "What to do now: talk the signals through with one of the organisations below. This can also be done anonymously."},
	[T_NEXT_WATCH] = {"Wat je nu doet: let goed op en schrijf op wat je ziet (wat, wanneer, waar). Twijfel je? Vraag advies, ook anoniem.",
			  "What to do now: keep watching and write down what you see (what, when, where). Not sure? Ask for advice, also anonymously."},
	[T_NEXT_NONE] = {"Zie je later wel signalen? Doe de check dan opnieuw of vraag advies.",
			 "If you see signals later, do the check again or ask for advice."},
	[T_ASSESS_PROVISIONAL] = {"Voorlopige weging: voor deze vorm bestaat geen eigen lijst met gewichten. De gewichten zijn afgeleid van de lijsten voor arbeidsuitbuiting.",
				  "Provisional weighing: there is no list of weights of its own for this form. The weights are derived from the lists for labour exploitation."},
	[T_ASSESS_NOT_A_VERDICT] = {"Dit is geen oordeel. Alleen de instanties kunnen beoordelen wat er aan de hand is.",
				    "This is not a verdict. Only the organisations can judge what is going on."},
	[T_ASSESS_UNKNOWN_INTRO] = {"Nog niet bekend:", "Not known yet:"},
	[T_ASSESS_AGE_UNKNOWN] = {"Je weet niet of de persoon jonger is dan 18. We wegen daarom ook zoals voor een kind, en nemen de hoogste uitkomst.",
				  "You do not know whether the person is under 18. So we also weigh as for a child, and take the higher outcome."},
	[T_ASSESS_SEVERAL_FORMS] = {"De signalen passen bij meer dan één vorm van uitbuiting.",
				    "The signals fit more than one form of exploitation."},
	[T_UNKNOWN_DECEPTIVE_RECRUITMENT] = {"of de persoon is misleid toen die het werk kreeg (over het werk, het loon of de woning)",
					     "whether the person was deceived when they got the work (about the work, the pay or the housing)"},
	[T_UNKNOWN_COERCIVE_RECRUITMENT] = {"of de persoon werd gedwongen of ontvoerd toen het begon",
					    "whether the person was forced or abducted when it started"},
	[T_UNKNOWN_RECRUITMENT_VULNERABILITY] = {"of iemand misbruik maakte van een moeilijke situatie van de persoon toen het begon",
						 "whether someone took advantage of the person's difficult situation when it started"},
	[T_UNKNOWN_EXPLOITATIVE_CONDITIONS] = {"hoe het werk, het loon en het wonen zijn",
					       "what the work, the pay and the housing are like"},
	[T_UNKNOWN_COERCION] = {"of er nu dwang, dreiging of geweld is",
				"whether there is force, threats or violence now"},
	[T_UNKNOWN_VULNERABILITY_AT_DESTINATION] = {"of iemand nu misbruik maakt van een afhankelijke positie van de persoon",
						    "whether someone now takes advantage of the person's dependent position"},
	[T_UNKNOWN_SEXUAL_ACT] = {"of de persoon seks moet hebben met anderen, en of een ander dat regelt of eraan verdient",
				  "whether the person has to have sex with others, and whether someone else arranges it or earns from it"},
	[T_UNKNOWN_CRIMINAL_ACT] = {"of de persoon misdaad pleegt voor een ander, zoals drugs verkopen of vervoeren",
				    "whether the person commits crimes for someone else, such as selling or carrying drugs"},
	[T_FORM_SEXUAL] = {"seksuele uitbuiting", "sexual exploitation"},
	[T_FORM_LABOUR] = {"arbeidsuitbuiting", "labour exploitation"},
	[T_FORM_CRIMINAL] = {"criminele uitbuiting", "criminal exploitation"},
};

static const char *const weekdays[7][KB_LANG_COUNT] = {
	{"maandag", "Monday"}, {"dinsdag", "Tuesday"},  {"woensdag", "Wednesday"}, {"donderdag", "Thursday"},
	{"vrijdag", "Friday"}, {"zaterdag", "Saturday"}, {"zondag", "Sunday"},
};

static const char *const months[12][KB_LANG_COUNT] = {
	{"januari", "January"}, {"februari", "February"}, {"maart", "March"},     {"april", "April"},
	{"mei", "May"},         {"juni", "June"},         {"juli", "July"},       {"augustus", "August"},
	{"september", "September"}, {"oktober", "October"}, {"november", "November"}, {"december", "December"},
};

const char *text_get(enum text_id id, enum kb_lang lang)
{
	return texts[id][lang];
}

const char *text_form_name(enum kb_form form, enum kb_lang lang)
{
	static const enum text_id ids[KB_FORM_COUNT] = {T_FORM_SEXUAL, T_FORM_LABOUR, T_FORM_CRIMINAL};
	return texts[ids[form]][lang];
}

const char *text_level(enum assess_level level, enum kb_lang lang)
{
	static const enum text_id ids[] = {T_LEVEL_NONE, T_LEVEL_WATCH, T_LEVEL_DISCUSS, T_LEVEL_REPORT};
	return texts[ids[level]][lang];
}

const char *text_basis(enum assess_basis basis, enum kb_form form, enum kb_lang lang)
{
	if (basis == ASSESS_BASIS_MINOR_ACT && form == KB_FORM_SEXUAL)
		return texts[T_BASIS_MINOR_ACT_SEXUAL][lang];
	if (basis == ASSESS_BASIS_MINOR_ACT && form == KB_FORM_CRIMINAL)
		return texts[T_BASIS_MINOR_ACT_CRIMINAL][lang];
	static const enum text_id ids[] = {T_BASIS_NOTHING,	     T_BASIS_CONCERN_ONLY, T_BASIS_WEAK_SIGNS,
					   T_BASIS_SERIOUS_SIGNS,    T_BASIS_MANY_CONCERNS, T_BASIS_ADULT_EXPLOITATION,
					   T_BASIS_MINOR_ACT,	     T_BASIS_ILO_RULE};
	return texts[ids[basis]][lang];
}

const char *text_next_step(enum assess_level level, enum kb_lang lang)
{
	static const enum text_id ids[] = {T_NEXT_NONE, T_NEXT_WATCH, T_NEXT_DISCUSS, T_NEXT_REPORT};
	return texts[ids[level]][lang];
}

const char *text_unknown_dimension(enum kb_dimension dimension, enum kb_form form, enum kb_lang lang)
{
	if (dimension == KB_DIMENSION_EXPLOITATIVE_CONDITIONS && form == KB_FORM_SEXUAL)
		return texts[T_UNKNOWN_SEXUAL_ACT][lang];
	if (dimension == KB_DIMENSION_EXPLOITATIVE_CONDITIONS && form == KB_FORM_CRIMINAL)
		return texts[T_UNKNOWN_CRIMINAL_ACT][lang];
	static const enum text_id ids[KB_DIMENSION_COUNT] = {
		T_UNKNOWN_DECEPTIVE_RECRUITMENT,   T_UNKNOWN_COERCIVE_RECRUITMENT, T_UNKNOWN_RECRUITMENT_VULNERABILITY,
		T_UNKNOWN_EXPLOITATIVE_CONDITIONS, T_UNKNOWN_COERCION,		   T_UNKNOWN_VULNERABILITY_AT_DESTINATION,
	};
	return texts[ids[dimension]][lang];
}

void text_clock(int64_t when, char *out, size_t size)
{
	struct civil_time t;
	amsterdam_civil(when, &t);
	snprintf(out, size, "%02d:%02d", t.hour, t.minute);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void text_moment(int64_t now, int64_t when, enum kb_lang lang, char *out, size_t size)
{
	struct civil_time today, day;
	char clock[8];
	amsterdam_civil(now, &today);
	amsterdam_civil(when, &day);
	text_clock(when, clock, sizeof clock);
	int64_t day_difference = days_from_civil(day.year, day.month, day.day) -
				 days_from_civil(today.year, today.month, today.day);
	if (day_difference == 0)
		snprintf(out, size, texts[T_MOMENT_TODAY][lang], clock);
	else if (day_difference == 1)
		snprintf(out, size, texts[T_MOMENT_TOMORROW][lang], clock);
	else
		snprintf(out, size, texts[T_MOMENT_DATE][lang], weekdays[day.weekday][lang], day.day,
			 months[day.month - 1][lang], clock);
}
#pragma GCC diagnostic pop
