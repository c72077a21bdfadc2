// The pages of issue 8 over HTTP: the guide's new questions (acute danger with
// examples, who it is about, age unknown), "closes soon", the two-step signal
// check, the result page in words, the [site] operator on the report pages and
// the privacy page, acute danger stopping a report before it is sent, the
// definition of human trafficking, ESSM's full name and hours, the English page
// of Meld Misdaad Anoniem. Expectations come from the data files and the issue,
// not from the code.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startServer, binary } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const signals = JSON.parse(readFileSync(path.join(root, "data", "signals.json"), "utf8")).signals;
const channels = JSON.parse(readFileSync(path.join(root, "data", "channels.json"), "utf8")).channels;
const channel = (id) => channels.find((c) => c.id === id);

// Friday 27 November 2026, 21:45 in Amsterdam: ESSM (08:30-22:00) closes in 15 minutes.
const friday = "2026-11-27T21:45:00+01:00";
const operatorConfig = `fixed_time = ${friday}\n[site]\noperator = Stichting Voorbeeld\n` +
  "operator_about = Een voorbeeldorganisatie die de meldingen van deze site leest.\n" +
  "operator_about_en = An example organisation that reads this site's reports.\n" +
  "operator_url = https://voorbeeld.example/over-ons\nanswer_days = 3\n";

let server;   // with [site] set and a fixed clock
let plain;    // without [site]

before(async () => {
  server = await startServer(operatorConfig);
  plain = await startServer();
});
after(async () => {
  assert.equal(await server.stop(), 0);
  assert.equal(await plain.stop(), 0);
});

async function page(where, address) {
  const response = await fetch(where.url + address, { redirect: "manual" });
  assert.equal(response.status, 200, address);
  return response.text();
}

// The visible text of <main>, tags removed.
function mainText(html) {
  const main = html.split('<main id="main">')[1].split("</main>")[0];
  return main.replace(/<\/?(strong|a|span|em)\b[^>]*>/g, "").replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

function recommendationNames(html) {
  const list = html.split('<ol class="recommendations">')[1].split("</ol>")[0];
  return [...list.matchAll(/<h[23] class="channel-name">([^<]+)<\/h[23]>/g)].map((m) => m[1]);
}

function reportCount(where) {
  return execFileSync(binary, ["reports", ...where.dbArgs, ...where.keyArgs, "list"], { input: `${where.recoveryKey}\n` })
    .toString().trim().split("\n").filter(Boolean).length;
}

const guide = (answers) => "/wegwijzer?" + new URLSearchParams(answers).toString();

test("the acute-danger question gives examples, and the guide asks who it is about", async () => {
  const first = mainText(await page(server, "/wegwijzer"));
  assert.match(first, /Vraag 1 van 6/);
  for (const example of ["gewond", "bedreigd", "opgesloten", "kind is vannacht in gevaar", "ergens anders heen gebracht"]) {
    assert.ok(first.includes(example), `example: ${example}`);
  }
  const english = mainText(await page(server, "/en/wegwijzer"));
  for (const example of ["hurt", "threatened", "locked up", "child is in danger tonight", "about to be taken somewhere else"]) {
    assert.ok(english.includes(example), `example: ${example}`);
  }
  const second = await page(server, "/wegwijzer?danger=no");
  assert.match(mainText(second), /Vraag 2 van 6 Over wie gaat het\?/);
  for (const value of ["other", "children_work", "self"]) assert.match(second, new RegExp(`name="about" value="${value}"`));
  assert.match(mainText(second), /werk met kinderen of jongeren/);
  assert.match(mainText(second), /Over mijzelf/);
  const bad = await fetch(server.url + "/wegwijzer?danger=no&about=everyone");
  assert.equal(bad.status, 400);
});

test("the guide about oneself speaks to 'you', in questions and in the answer", async () => {
  const age = mainText(await page(server, guide({ danger: "no", about: "self", form: "labour" })));
  assert.match(age, /Ben je jonger dan 18 jaar\?/);
  const need = mainText(await page(server, guide({ danger: "no", about: "self", form: "labour", minor: "no" })));
  assert.match(need, /Advies of hulp vragen/);
  const html = await page(server, guide({ danger: "no", about: "self", form: "labour", minor: "no", need: "advice",
    region: "rotterdam" }));
  const text = mainText(html);
  assert.match(text, /Je kunt ESSM zelf bellen/, "ESSM's text for someone asking about themselves");
  assert.match(text, /Ben je in gevaar\? Bel dan meteen 112/);
  assert.doesNotMatch(text, /Je vermoedt mensenhandel/);
});

test("someone who works with children is sent to Veilig Thuis (meldcode) before the police", async () => {
  const html = await page(server, guide({ danger: "no", about: "children_work", form: "criminal", minor: "yes",
    need: "report", region: "rotterdam" }));
  const names = recommendationNames(html);
  const veiligThuis = names.indexOf(channel("veiligthuis").name.nl);
  const police = names.indexOf(channel("politie").name.nl);
  assert.ok(veiligThuis >= 0 && veiligThuis < police, names.join(" > "));
  assert.match(mainText(html), /Volg dan de meldcode/);
  assert.match(mainText(html), /Een anonieme tip is niet de weg/);
});

test("age 'weet ik niet' routes as for a possible minor: Veilig Thuis is listed", async () => {
  const unknown = await page(server, guide({ danger: "no", about: "other", form: "sexual", minor: "unknown",
    need: "advice", region: "rotterdam" }));
  assert.ok(recommendationNames(unknown).includes(channel("veiligthuis").name.nl));
  assert.match(mainText(unknown), /Je weet niet of de persoon jonger is dan 18/);
  const adult = await page(server, guide({ danger: "no", about: "other", form: "sexual", minor: "no",
    need: "advice", region: "rotterdam" }));
  assert.ok(!recommendationNames(adult).includes(channel("veiligthuis").name.nl));
  // the way to the signal check keeps the forms and the age, sent by POST (not in an address)
  const toSignals = unknown.split('<form class="post-button" method="post" action="/signalen">')[1].split("</form>")[0];
  assert.match(toSignals, /<input type="hidden" name="form" value="sexual"><input type="hidden" name="age" value="unknown">/);
  assert.doesNotMatch(unknown, /href="[^"]*\?[^"]*(form|age|signal)=/, "no answers in a link");
});

test("a channel that closes soon says so and carries a visible marker", async () => {
  const html = await page(server, guide({ danger: "no", about: "other", form: "sexual", minor: "yes",
    need: "advice", region: "rotterdam" }));
  const essm = html.split("<li class=\"channel").find((item) => item.includes(channel("essm").name.nl));
  assert.match(essm, /<p class="state state-soon">Gaat bijna dicht<\/p>/);
  assert.match(essm, /Nog 15 minuten bereikbaar, tot 22:00 uur/);
  assert.match(essm, /Openingstijden:<\/span> elke dag van 08:30 tot 22:00 uur/);
  const english = await page(server, "/en" + guide({ danger: "no", about: "other", form: "sexual", minor: "yes",
    need: "advice", region: "rotterdam" }));
  assert.match(english, /state-soon">Closes soon</);
  assert.equal((html.match(/state-soon/g) || []).length, 1, "only ESSM closes soon");
});

test("the signal check asks forms and age first, then shows one list without repeats", async () => {
  const start = await page(server, "/signalen");
  assert.doesNotMatch(start, /name="signal"/, "no signal list before forms and age are chosen");
  for (const value of ["sexual", "labour", "criminal", "unknown"]) assert.match(start, new RegExp(`name="form" value="${value}"`));
  for (const value of ["minor", "adult", "unknown"]) assert.match(start, new RegExp(`name="age" value="${value}"`));

  const missing = mainText(await page(server, "/signalen?step=1&form=labour"));
  assert.match(missing, /Er is een probleem Kies of de persoon jonger is dan 18\./);

  const cases = [
    [["labour"], "adult"], [["labour"], "minor"], [["sexual", "criminal"], "minor"], [["unknown"], "unknown"],
    [["criminal"], "adult"], [["criminal"], "unknown"],
  ];
  for (const [forms, age] of cases) {
    const query = forms.map((f) => `form=${f}`).join("&") + `&age=${age}`;
    const html = await page(server, `/signalen?${query}`);
    const shown = [...html.matchAll(/name="signal" value="([^"]+)"/g)].map((m) => m[1]);
    const wantedForms = forms.includes("unknown") ? ["sexual", "labour", "criminal"] : forms;
    const wantedProfiles = age === "unknown" ? ["adult", "minor"] : [age];
    const expected = signals.filter((s) => s.forms.some((f) => wantedForms.includes(f)) &&
      s.profiles.some((p) => wantedProfiles.includes(p))).map((s) => s.id);
    assert.deepEqual([...shown].sort(), [...expected].sort(), query);
    assert.equal(new Set(shown).size, shown.length, `${query}: each signal once`);
  }
  // the age changes the list: a signal only about minors appears for a minor, not for an adult
  const minorOnly = signals.find((s) => s.profiles.length === 1 && s.profiles[0] === "minor" && s.forms.includes("criminal"));
  assert.ok(minorOnly);
  assert.match(await page(server, "/signalen?form=criminal&age=minor"), new RegExp(`value="${minorOnly.id}"`));
  assert.doesNotMatch(await page(server, "/signalen?form=criminal&age=adult"), new RegExp(`value="${minorOnly.id}"`));
  // step 2 carries the answers of step 1 to the result, and can go back to change them
  const list = await page(server, "/en/signalen?form=labour&age=adult");
  assert.match(list, /<form class="checklist" method="post" action="\/en\/signalen\/uitslag">/);
  assert.match(list, /<input type="hidden" name="form" value="labour">/);
  assert.match(list, /<input type="hidden" name="age" value="adult">/);
  assert.match(mainText(list), /Signals of labour exploitation\. The person is 18 or older\./);
  const change = mainText(await page(server, "/signalen?form=labour&age=adult&change=1"));
  assert.match(change, /Stap 1 van 2/);
  const bad = await fetch(server.url + "/signalen?form=labour&age=old");
  assert.equal(bad.status, 400);
});

test("the result leads with the level in words and a next step, and lists the chosen signals once", async () => {
  const chosen = ["papieren-afgepakt", "woont-bij-baas", "lange-dagen"];
  const html = await page(server, `/signalen/uitslag?form=labour&age=adult&${chosen.map((s) => `signal=${s}`).join("&")}`);
  const text = mainText(html);
  const levels = ["Reden om te melden.", "Reden om het te bespreken.",
    "Blijf opletten en vraag advies."];
  const lead = html.split('<div class="verdict')[1].split("</div>")[0];
  assert.ok(levels.some((level) => lead.includes(level)), "the overall level leads the page");
  assert.match(lead, /Wat je nu doet:/);
  assert.match(lead, /<a class="button" href="tel:[^"]+">Bel /, "a call button right under the level");
  assert.ok(html.indexOf('class="verdict') < html.indexOf('class="assessment'), "the level comes before the details");
  assert.equal((html.match(/Je koos deze signalen/g) || []).length, 1);
  assert.equal((html.match(/<ul class="chosen">/g) || []).length, 1);
  const chosenList = html.split('<ul class="chosen">')[1].split("</ul>")[0];
  assert.equal((chosenList.match(/<li>/g) || []).length, chosen.length);
  assert.doesNotMatch(text, /\b\d+ \/ \d+ \/ \d+\b/, "no rows of numbers");
  assert.doesNotMatch(text, /\b[01] signalen\b/);
  assert.match(text, /Wat meetelde: (één|twee|drie|vier) /, "numbers in words");
  assert.doesNotMatch(text, /volgens de (indicatoren van de )?ILO/i);
  assert.doesNotMatch(text, /geen duidelijk patroon/);
  assert.doesNotMatch(text, /\bis mensenhandel\b|\bdit is mensenhandel\b/i);
  // only the relevant form is shown: labour was chosen, and no signal belongs to another form alone
  assert.match(text, /Arbeidsuitbuiting/);
  assert.doesNotMatch(html, /<h2>Seksuele uitbuiting<\/h2>|<h2>Criminele uitbuiting<\/h2>/);
});

test("a shared signal alone opens no form and does not bring in the Labour Authority", async () => {
  const shared = signals.find((s) => s.id === "mishandeld");
  assert.deepEqual([...shared.forms].sort(), ["criminal", "labour", "sexual"]);
  const html = await page(server, "/signalen/uitslag?form=unknown&age=adult&signal=mishandeld");
  const text = mainText(html);
  assert.ok(!recommendationNames(html).includes(channel("nla").name.nl), recommendationNames(html).join(" > "));
  assert.doesNotMatch(text, /oneerlijk, onveilig of ongezond werk/);
  assert.match(text, /Alle vormen samen/);
  assert.match(text, /De signalen passen bij meer dan één vorm van uitbuiting/);
  assert.doesNotMatch(html, /<h2>Arbeidsuitbuiting<\/h2>/);
  assert.doesNotMatch(text, /geen duidelijk patroon/, "a strong signal is never 'no clear pattern'");
  // with labour chosen, the Labour Authority and its reason are right
  const labour = await page(server, "/signalen/uitslag?form=labour&age=adult&signal=mishandeld");
  assert.ok(recommendationNames(labour).includes(channel("nla").name.nl));
});

test("the sexual weighing is marked provisional, never credited to the ILO", async () => {
  for (const [prefix, note] of [["", /Voorlopige weging/], ["/en", /Provisional weighing/]]) {
    const html = await page(server, `${prefix}/signalen/uitslag?form=sexual&age=adult&signal=gedwongen-tot-seks`);
    const block = html.split('<section class="assessment')[1].split("</section>")[0];
    assert.match(block, note);
    assert.doesNotMatch(mainText(html), /ILO/);
  }
});

test("a minor doing crime for others is reason to report; age unknown weighs as for a child and says so", async () => {
  const minor = mainText(await page(server, "/signalen/uitslag?form=criminal&age=minor&signal=drugs-voor-ander"));
  assert.match(minor, /Reden om te melden\./);
  assert.match(minor, /Bij iemand jonger dan 18 is dwang niet nodig/);
  const unknown = mainText(await page(server, "/signalen/uitslag?form=criminal&age=unknown&signal=drugs-voor-ander"));
  assert.match(unknown, /Je weet niet of de persoon jonger is dan 18\. We wegen daarom ook zoals voor een kind/);
  assert.match(unknown, /Reden om te melden\./);
  const english = mainText(await page(server, "/en/signalen/uitslag?form=criminal&age=unknown&signal=drugs-voor-ander"));
  assert.match(english, /You do not know whether the person is under 18/);
});

test("concern signals are counted in words with the right number, and no signals is said plainly", async () => {
  const concern = signals.filter((s) => s.forms.includes("criminal") && s.profiles.includes("minor") &&
    !(s.indicators || []).length).map((s) => s.id);
  assert.ok(concern.length >= 2, "the catalogue has concern-only signals");
  const one = mainText(await page(server, `/signalen/uitslag?form=criminal&age=minor&signal=${concern[0]}`));
  assert.match(one, /Van de signalen die je koos, is er één alleen een reden tot zorg\./);
  const two = mainText(await page(server,
    `/signalen/uitslag?form=criminal&age=minor&signal=${concern[0]}&signal=${concern[1]}`));
  assert.match(two, /zijn er twee alleen een reden tot zorg\./);
  const none = await page(server, "/signalen/uitslag?form=labour&age=adult");
  assert.match(mainText(none), /Je hebt geen signalen aangekruist/);
  assert.doesNotMatch(none, /class="verdict/);
  assert.doesNotMatch(mainText(none), /alleen een reden tot zorg/);
});

test("the report form, the receipt and the privacy page say who reads reports and when an answer may come", async () => {
  const form = mainText(await page(server, "/melden"));
  assert.match(form, /Online meldingen op deze site gaan naar: Stichting Voorbeeld\. Een voorbeeldorganisatie/);
  assert.match(form, /Je melding wordt niet meteen gelezen\. Je krijgt meestal binnen drie dagen antwoord\./);
  assert.match(await page(server, "/melden"), /href="https:\/\/voorbeeld\.example\/over-ons"/);
  const english = mainText(await page(server, "/en/melden"));
  assert.match(english, /Online reports on this site go to: Stichting Voorbeeld\. An example organisation/);
  assert.match(english, /You usually get an answer within three days\./);
  const privacy = mainText(await page(server, "/privacy"));
  assert.match(privacy, /Stichting Voorbeeld/);

  const token = (await page(server, "/melden")).match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const response = await fetch(server.url + "/melden", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ csrf: token, kind: "report", what: "Een buurvrouw werkt elke nacht." }).toString() });
  assert.equal(response.status, 201);
  const receipt = mainText(await response.text());
  assert.match(receipt, /Stichting Voorbeeld/);
  assert.match(receipt, /binnen drie dagen antwoord/);
  assert.match(receipt, /Je krijgt geen bericht als er een antwoord is/);

  // without [site]: said plainly that it is not known who reads reports, with numbers to call instead
  for (const address of ["/melden", "/privacy"]) {
    const text = mainText(await page(plain, address));
    assert.match(text, /niet ingesteld wie de online meldingen leest/, address);
    assert.match(text, /010-236 52 56/, address);
  }
  assert.match(mainText(await page(plain, "/melden")), /Hoe snel je antwoord krijgt, is niet bekend\./);
  assert.match(mainText(await page(plain, "/en/melden")), /does not say who reads the online reports/);
});

test("acute danger on the report form shows 112 first, keeps the text and sends nothing", async () => {
  const before = reportCount(server);
  const token = (await page(server, "/melden")).match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const fields = { csrf: token, kind: "report", danger: "1", what: "Er wordt nu iemand in een busje geduwd.",
    where: "Keilestraat" };
  const response = await fetch(server.url + "/melden", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" }, body: new URLSearchParams(fields).toString() });
  assert.equal(response.status, 200);
  const html = await response.text();
  const main = html.split('<main id="main">')[1];
  assert.ok(main.indexOf('href="tel:112"') < main.indexOf("<form"), "112 comes before the form");
  assert.match(mainText(html), /Bel eerst 112/);
  assert.match(mainText(html), /Je melding is nog niet verstuurd/);
  assert.match(html, />Er wordt nu iemand in een busje geduwd\.<\/textarea>/);
  assert.match(html, /name="where" maxlength="1000" autocomplete="off" value="Keilestraat"/);
  assert.match(html, /<input type="hidden" name="danger_seen" value="1">/);
  assert.equal(reportCount(server), before, "no report was stored");

  // after 112, the report can still be sent
  const sent = await fetch(server.url + "/melden", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ ...fields, danger_seen: "1" }).toString() });
  assert.equal(sent.status, 201);
  assert.equal(reportCount(server), before + 1);
  const english = await fetch(server.url + "/en/melden", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ ...fields, what: "x" }).toString() });
  assert.match(mainText(await english.text()), /Call 112 first/);
  assert.equal(reportCount(server), before + 1);
});

test("the privacy page states what is stored, who can read it and what is never stored", async () => {
  for (const where of [server, plain]) {
    const text = mainText(await page(where, "/privacy"));
    assert.match(text, /Dit bewaren we versleuteld/);
    assert.match(text, /Dit bewaren we niet versleuteld/);
    assert.match(text, /de dag waarop je meldde, zonder tijdstip/);
    assert.match(text, /de vormen van uitbuiting en de signalen die je aankruiste/);
    assert.match(text, /niet automatisch verwijderd/, "no deletion exists, and the page says so");
    assert.match(text, /Je IP-adres\./);
    assert.match(text, /user agent/);
    assert.match(text, /Cookies/);
    assert.match(text, /privévenster/);
    const english = mainText(await page(where, "/en/privacy"));
    assert.match(english, /not deleted automatically/);
  }
  for (const address of ["/", "/privacy", "/melden", "/en/", "/en/privacy"]) {
    const text = mainText(await page(plain, address));
    assert.doesNotMatch(text, /bewaart niets over jou|keeps nothing about you/i, address);
    assert.doesNotMatch(text, /slaan je IP-adres, je browser en je antwoorden niet op|niets over jou/i, address);
    assert.doesNotMatch(text, /alleen de maatschappelijk werkers kunnen het lezen/, address);
  }
});

test("what human trafficking is: act, means, purpose, and no means needed under 18", async () => {
  const home = await page(plain, "/");
  assert.match(home, /href="\/mensenhandel"/);
  const text = mainText(await page(plain, "/mensenhandel"));
  for (const part of ["werft", "vervoert", "onderdak", "dwang", "uit te buiten", "jonger dan 18", "dwang niet nodig"]) {
    assert.ok(text.includes(part), part);
  }
  const english = mainText(await page(plain, "/en/mensenhandel"));
  for (const part of ["recruits", "transports", "force", "exploit", "under 18", "no force is needed"]) {
    assert.ok(english.includes(part), part);
  }
});

test("contacts: ESSM's full name and hours, Anonymity rows only with an anonymity text, MMA's English page", async () => {
  const html = await page(plain, "/contact");
  assert.match(mainText(html), new RegExp(channel("essm").full_name.replace(/[()]/g, "\\$&")));
  assert.match(mainText(html), /elke dag van 08:30 tot 22:00 uur/);
  const items = html.split('<li class="channel">').slice(1);
  for (const item of items) {
    const name = item.match(/<h2>([^<]+)<\/h2>/)[1];
    const data = channels.find((c) => c.name.nl === name);
    assert.ok(data, name);
    assert.equal(/<dt>Anoniem<\/dt>/.test(item), Boolean(data.anonymity), `${name}: an Anoniem row only with an anonymity text`);
  }
  const mma = channel("meldmisdaadanoniem");
  assert.ok(mma.url_en, "the data gives Meld Misdaad Anoniem's English page");
  assert.match(await page(plain, "/en/contact"), new RegExp(`href="${mma.url_en}"[^>]*>Information in English`));
  assert.doesNotMatch(html, new RegExp(`href="${mma.url_en}"`), "the Dutch page links the Dutch site");
  const guideResult = await page(plain, "/en" + guide({ danger: "no", about: "other", form: "criminal", minor: "no",
    need: "anonymous", region: "rotterdam" }));
  assert.match(guideResult, new RegExp(`href="${mma.url_en}"`));
});

test("the poster shows ESSM's hours and both online-form addresses", async () => {
  const text = mainText(await page(plain, "/poster"));
  assert.match(text, /elke dag van 08:30 tot 22:00 uur/);
  for (const id of ["nla", "meldmisdaadanoniem"]) assert.ok(text.includes(channel(id).url), id);
  assert.ok(text.includes(channel("essm").full_name));
  const english = mainText(await page(plain, "/en/poster"));
  assert.match(english, /every day from 08:30 to 22:00/);
});

test("bad [site] and fixed_time settings are refused at start with the setting named", () => {
  for (const [setting, message] of [["[site]\nanswer_days = soon\n", /bad value for site\.answer_days/],
    ["[site]\noperator_url = javascript:alert(1)\n", /bad value for site\.operator_url/],
    ["[site]\nreader = x\n", /unknown setting site\.reader/],
    ["[server]\nfixed_time = tomorrow\n", /bad value for server\.fixed_time/]]) {
    const file = path.join(plain.dir, "bad.ini");
    writeFileSync(file, setting);
    const run = spawnSync(binary, ["serve", "--listen", "127.0.0.1:1", "--config", file, ...plain.dbArgs, ...plain.keyArgs],
      { encoding: "utf8", timeout: 30000 });
    assert.equal(run.status, 2, setting);
    assert.match(run.stderr, message, setting);
  }
});

// Issue 11: the guide's pages and the contacts list are kept per minute (page_cache). What is kept
// must follow the opening state (here through the API's `at`, a different minute each), and two
// languages or two sets of answers never get each other's page.
test("kept pages follow the opening state, the language and the answers", async () => {
  const essmOpen = async (at, lang = "nl") => {
    const response = await fetch(`${plain.url}/api/v1/contacts?lang=${lang}&at=${encodeURIComponent(at)}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.match(response.headers.get("content-security-policy"), /default-src 'none'/);
    return (await response.json()).find((c) => c.id === "essm");
  };
  const noon = "2026-11-30T12:00:00+01:00", late = "2026-11-30T23:00:00+01:00";
  assert.equal((await essmOpen(noon)).open_now, true);
  assert.equal((await essmOpen(late)).open_now, false, "ESSM closed at 23:00, also right after noon was kept");
  assert.equal((await essmOpen(noon)).open_now, true);
  assert.notEqual((await essmOpen(late, "en")).hours, (await essmOpen(late, "nl")).hours, "each language its own list");

  const answers = "about=other&danger=no&form=labour&minor=no&need=advice&region=rotterdam";
  const other = "about=other&danger=yes&form=labour&minor=no&need=advice&region=rotterdam";
  const nl = await page(server, `/wegwijzer?${answers}`);
  const en = await page(server, `/en/wegwijzer?${answers}`);
  const acute = await page(server, `/wegwijzer?${other}`);
  assert.equal(await page(server, `/wegwijzer?${answers}`), nl, "the same answers in the same minute: the same page");
  assert.match(nl, /<html lang="nl"/);
  assert.match(en, /<html lang="en"/);
  assert.notEqual(recommendationNames(acute).join(), recommendationNames(nl).join());
  assert.match(recommendationNames(acute)[0], /112/, "acute danger: 112 first");
  assert.doesNotMatch(recommendationNames(nl)[0], /112/, "without acute danger 112 is not first");
  assert.equal(await page(server, `/en/wegwijzer?${answers}`), en);
});
