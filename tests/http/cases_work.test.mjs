// Case work beyond the core pages (issue 15): referrals with consent and the printable hand-over
// page, retention on a closed case, the case's history from the audit log, and phone intake.
// Accounts, logins and case forms: cases_support.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer } from "../support.mjs";
import { cases, buildActivator, signIn, get, postCaseForm, auditEntries, submitReport, sql, followUp }
  from "./cases_support.mjs";

let server;

before(async () => {
  cases.activator = buildActivator();
  server = cases.server = await startServer("[limits]\nsubmissions_per_hour = 1000\n");
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0);
});

// The ref of the one case in the queue that matches `filter`.
async function onlyRef(cookie, filter) {
  const html = await (await get(`/team/zaken?${filter}`, cookie)).text();
  const refs = [...new Set([...html.matchAll(/ref=([0-9a-f]{32})/g)].map((m) => m[1]))];
  assert.equal(refs.length, 1, `one case for ${filter}`);
  return refs[0];
}

const narrative = "Aan de Kleiweg wonen acht mannen in één kamer. De baas houdt hun paspoorten.";
const person = "Tomasz, ongeveer 34 jaar";
const place = "Kleiweg 12 in Rotterdam";
const email = "sanne@example.org";

test("referrals: without consent only the anonymised parts; an override only by a coordinator with a reason; hand-over pages show what was recorded", async () => {
  await submitReport({ kind: "report", what: narrative, who: person, where: place, forms: ["labour"],
    signals: ["lange-dagen", "weinig-of-geen-loon"], relation: "neighbour", contact: { name: "Sanne", email } });
  const caseworker = await signIn("hanna", ["caseworker"]);
  const coordinator = await signIn("ilse", ["coordinator"]);
  const analyst = await signIn("joost", ["analyst"]);
  const ref = await onlyRef(caseworker, "form=labour");

  const page = await (await get(`/team/zaak?ref=${ref}`, caseworker)).text();
  assert.match(page, /<select id="refer-partner" name="partner"/, "the referral form");
  assert.match(page, /type="radio" id="refer-consent-not_possible" name="consent"/);
  assert.doesNotMatch(page, /name="override"/, "no override for a caseworker");
  assert.match(await (await get(`/team/zaak?ref=${ref}`, coordinator)).text(), /id="refer-override-minor" name="override"/);

  // the whole report without consent: refused in words, the form again as it was sent
  const full = [["partner", "police"], ["category", "summary"], ["category", "narrative"], ["category", "person"],
    ["consent", "refused"]];
  const refused = await postCaseForm(caseworker, ref, "/team/zaak/doorverwijzen", full);
  assert.equal(refused.status, 409);
  const refusedHtml = await refused.text();
  assert.match(refusedHtml, /class="error-summary"[\s\S]*Zonder toestemming mogen alleen de samenvatting zonder namen en de signalen mee/);
  assert.match(refusedHtml, /href="#refer-category-summary"/);
  assert.match(refusedHtml, /<option value="police" selected>/, "the partner as chosen");
  assert.match(refusedHtml, /id="refer-category-narrative" name="category" value="narrative" checked/);
  assert.match(refusedHtml, /id="refer-consent-refused" name="consent" value="refused" checked/);
  assert.match(refusedHtml, /<dd>Nieuw<\/dd>/, "the case did not move");
  // an override by a caseworker: refused, whatever the reason
  const byCaseworker = await postCaseForm(caseworker, ref, "/team/zaak/doorverwijzen",
    [...full, ["override", "acute_danger"], ["reason", "Acuut gevaar volgens de buurvrouw"]]);
  assert.equal(byCaseworker.status, 403);
  assert.match(await byCaseworker.text(), /Alleen een coördinator kan meer delen zonder toestemming/);
  // no partner, no categories: said per field
  const noPartner = await postCaseForm(caseworker, ref, "/team/zaak/doorverwijzen", [["category", "summary"], ["consent", "given"]]);
  assert.equal(noPartner.status, 400);
  assert.match(await noPartner.text(), /href="#refer-partner"[\s\S]*Kies aan welke partner/);
  const noCategory = await postCaseForm(caseworker, ref, "/team/zaak/doorverwijzen", [["partner", "police"], ["consent", "given"]]);
  assert.equal(noCategory.status, 400);
  assert.ok(!auditEntries(ref).some((entry) => / case_referred/.test(entry)), "nothing referred yet");

  // the anonymised parts without consent: recorded
  const anonymised = await postCaseForm(caseworker, ref, "/team/zaak/doorverwijzen",
    [["partner", "comensha"], ["category", "summary"], ["category", "signals"], ["consent", "refused"]]);
  assert.equal(anonymised.status, 303);
  assert.equal(anonymised.headers.get("location"), `/team/zaak?ref=${ref}&done=refer`);
  // a coordinator's override: needs its reason, then recorded and marked on the audit log
  const override = [...full, ["override", "acute_danger"]];
  const noReason = await postCaseForm(coordinator, ref, "/team/zaak/doorverwijzen", override);
  assert.equal(noReason.status, 400);
  assert.match(await noReason.text(), /Schrijf op waarom je zonder toestemming deelt/);
  const reason = "Acuut gevaar: de mannen worden vannacht overgebracht.";
  const overridden = await postCaseForm(coordinator, ref, "/team/zaak/doorverwijzen", [...override, ["reason", reason]]);
  assert.equal(overridden.status, 303);
  const entries = auditEntries(ref);
  assert.ok(entries.includes("hanna case_referred"), entries.join(", "));
  assert.ok(entries.includes("ilse case_referred_override"), entries.join(", "));
  const after = await (await get(`/team/zaak?ref=${ref}`, caseworker)).text();
  assert.match(after, /<dd>Doorverwezen<\/dd>/);
  assert.ok(after.includes(reason), "the reason is an internal note of the case");
  assert.match(after, new RegExp(`href="/team/zaak/overdracht\\?ref=${ref}&amp;n=2"`), "a hand-over page per referral");

  // the hand-over without consent: the summary's metadata, a space to write, the signals; no names, no narrative
  const first = await get(`/team/zaak/overdracht?ref=${ref}&n=1`, caseworker);
  assert.equal(first.status, 200);
  const firstHtml = await first.text();
  assert.match(firstHtml, /<h1>Overdracht aan CoMensha<\/h1>/);
  assert.match(firstHtml, /class="handover-write"/);
  assert.match(firstHtml, /De persoon werkt steeds heel lange dagen/, "the signals");
  assert.match(firstHtml, /<dd>geweigerd<\/dd>/, "the consent as recorded");
  for (const secret of ["Kleiweg", "Tomasz", email, "Sanne", "paspoorten"]) {
    assert.ok(!firstHtml.includes(secret), `no "${secret}" without consent`);
  }
  // the override's hand-over: the narrative and the person as recorded, not the reporter's contact details
  const secondHtml = await (await get(`/team/zaak/overdracht?ref=${ref}&n=2`, coordinator)).text();
  assert.ok(secondHtml.includes(narrative) && secondHtml.includes(person) && secondHtml.includes(place));
  assert.ok(!secondHtml.includes(email), "contact details were not recorded for this referral");
  assert.match(secondHtml, /zonder toestemming: acuut gevaar/);
  assert.match(await (await get(`/en/team/case/handover?ref=${ref}&n=1`, caseworker)).text(), /<h1>Hand-over to CoMensha<\/h1>/);
  assert.equal((await get(`/team/zaak/overdracht?ref=${ref}&n=3`, caseworker)).status, 404);
  assert.equal((await get(`/team/zaak/overdracht?ref=${ref}&n=0`, caseworker)).status, 400);
  assert.equal((await get(`/team/zaak/overdracht?ref=${ref}&n=1`, analyst)).status, 403);
  const opened = auditEntries(ref).filter((entry) => entry.endsWith("case_handover_opened"));
  assert.deepEqual(opened, ["hanna case_handover_opened", "ilse case_handover_opened", "hanna case_handover_opened"],
    "every opening of a hand-over is on the audit log");
});

// A day as YYYY-MM-DD, `days` from today (UTC).
function dayFromToday(days) {
  return new Date(Date.now() + days * 86400e3).toISOString().slice(0, 10);
}

test("retention: a closed case says when it is destroyed, warns when that is near; a coordinator keeps it longer with a reason", async () => {
  await submitReport({ kind: "consultation", what: "Mijn nicht moet schulden afbetalen aan haar baas.", forms: ["sexual"] });
  const caseworker = await signIn("karin", ["caseworker"]);
  const coordinator = await signIn("lars", ["coordinator"]);
  const ref = await onlyRef(coordinator, "form=sexual");
  assert.equal((await postCaseForm(coordinator, ref, "/team/zaak/status", { to: "closed", reason: "advice_given" })).status, 303);
  const [destroyDay] = sql(`SELECT destroy_day FROM cases WHERE ref = '${ref}'`);
  assert.equal(destroyDay.slice(0, 4), String(Number(dayFromToday(0).slice(0, 4)) + 1), "a year after closing");
  const closedHtml = await (await get(`/team/zaak?ref=${ref}`, coordinator)).text();
  assert.match(closedHtml, /<dt>Wordt vernietigd op<\/dt><dd>[a-z]+dag \d+ [a-z]+ \d{4}<\/dd>/);
  assert.match(closedHtml, /<input type="text" inputmode="numeric" class="team-day" id="retention-months"/);
  assert.doesNotMatch(closedHtml, /Wordt binnenkort vernietigd/, "no warning a year ahead");
  const caseworkerHtml = await (await get(`/team/zaak?ref=${ref}`, caseworker)).text();
  assert.doesNotMatch(caseworkerHtml, /id="retention-months"/);
  assert.match(caseworkerHtml, /Alleen een coördinator kan een zaak langer bewaren/);

  const reason = "De politie onderzoekt deze zaak nog.";
  const byCaseworker = await postCaseForm(caseworker, ref, "/team/zaak/bewaren", { months: "6", reason });
  assert.equal(byCaseworker.status, 403);
  assert.match(await byCaseworker.text(), /class="error-summary"[\s\S]*Alleen een coördinator kan een zaak langer bewaren/);
  const badMonths = await postCaseForm(coordinator, ref, "/team/zaak/bewaren", { months: "zes", reason });
  assert.equal(badMonths.status, 400);
  const badMonthsHtml = await badMonths.text();
  assert.match(badMonthsHtml, /href="#retention-months"[\s\S]*Vul een aantal maanden in/);
  assert.ok(badMonthsHtml.includes(`>${reason}</textarea>`), "the reason as typed");
  assert.match(badMonthsHtml, /id="retention-months" name="months" maxlength="3" autocomplete="off" value="zes"/);
  assert.equal((await postCaseForm(coordinator, ref, "/team/zaak/bewaren", { months: "121", reason })).status, 400);
  const shortReason = await postCaseForm(coordinator, ref, "/team/zaak/bewaren", { months: "6", reason: "politie" });
  assert.equal(shortReason.status, 400);
  assert.match(await shortReason.text(), /Schrijf op waarom de zaak langer moet blijven/);
  assert.deepEqual(sql(`SELECT destroy_day FROM cases WHERE ref = '${ref}'`), [destroyDay], "nothing changed yet");

  const kept = await postCaseForm(coordinator, ref, "/team/zaak/bewaren", { months: "6", reason });
  assert.equal(kept.status, 303);
  const [later] = sql(`SELECT destroy_day FROM cases WHERE ref = '${ref}'`);
  const expected = new Date(`${destroyDay}T00:00:00Z`);
  expected.setUTCMonth(expected.getUTCMonth() + 6);
  assert.equal(later.slice(0, 7), expected.toISOString().slice(0, 7), "six months later");
  assert.ok(auditEntries(ref).includes("lars case_retention_extended"));
  const keptHtml = await (await get(`/team/zaak?ref=${ref}`, caseworker)).text();
  assert.match(keptHtml, /\(Reden voor langer bewaren\)<\/p><p class="narrative">De politie onderzoekt deze zaak nog\.<\/p>/);

  // the history: what was done, by whom, in words, oldest first; readings of the page are not in it
  const history = keptHtml.slice(keptHtml.indexOf('id="history-title"'));
  const rows = [...history.matchAll(/<tr><td data-label="Wanneer">[^<]+<\/td><td data-label="Wie">([^<]+)<\/td><td data-label="Wat">([^<]+)<\/td><\/tr>/g)]
    .map((m) => `${m[1]}: ${m[2]}`);
  assert.deepEqual(rows, ["lars: Afgesloten", "lars: Langer bewaard (met reden)"]);
  assert.doesNotMatch(history.slice(0, history.indexOf("</table>")), /Zaak geopend/);

  // near the day: the case page and the queue warn in words
  sql(`UPDATE cases SET destroy_day = '${dayFromToday(5)}' WHERE ref = '${ref}'`);
  assert.match(await (await get(`/team/zaak?ref=${ref}`, caseworker)).text(),
    /<strong>Wordt binnenkort vernietigd<\/strong> Deze zaak wordt op [^<]+ vernietigd\./);
  assert.match(await (await get("/team/zaken?status=closed", caseworker)).text(),
    new RegExp(`ref=${ref}"[\\s\\S]*?Wordt binnenkort vernietigd`));
  // an open case has no day to move
  await submitReport({ kind: "report", what: "Een open zaak", forms: ["criminal"] });
  const open = await onlyRef(coordinator, "form=criminal");
  const notClosed = await postCaseForm(coordinator, open, "/team/zaak/bewaren", { months: "6", reason });
  assert.equal(notClosed.status, 409);
  assert.match(await notClosed.text(), /Deze zaak is niet afgesloten/);
});

test("phone intake: the report form for a call, with the same checks; stored as 'phone', a receipt to read out that opens the follow-up", async () => {
  const caseworker = await signIn("mila", ["caseworker"]);
  const analyst = await signIn("noor", ["analyst"]);
  const empty = await get("/team/telefoon", caseworker);
  assert.equal(empty.status, 200);
  const emptyHtml = await empty.text();
  assert.match(emptyHtml, /<form class="report" method="post" action="\/team\/telefoon"/);
  assert.match(emptyHtml, /<textarea id="what" name="what"/, "the report form's fields");
  assert.match(emptyHtml, /name="contact_wanted"/);
  assert.doesNotMatch(emptyHtml, /name="danger"/, "no 112 stop: the caseworker is on the line");
  assert.match(await (await get("/en/team/phone", caseworker)).text(), /<h1>Record a phone call<\/h1>/);
  assert.equal((await get("/team/telefoon", analyst)).status, 403);
  assert.equal((await get("/team/telefoon")).status, 401);

  const csrf = emptyHtml.match(/name="csrf" value="([^"]+)"/)[1];
  const submission = emptyHtml.match(/name="submission" value="([0-9a-f]{32})"/)[1];
  const post = (fields) => fetch(`${server.url}/team/telefoon`, { method: "POST", redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Cookie: caseworker },
    body: new URLSearchParams(fields) });
  // the public form's checks: no "what" is refused with the problem on its field, the rest kept
  const missing = await post([["csrf", csrf], ["submission", submission], ["kind", "report"], ["who", "Een jongen van 15"],
    ["form", "criminal"]]);
  assert.equal(missing.status, 400);
  const missingHtml = await missing.text();
  assert.match(missingHtml, /class="error-summary"[\s\S]*href="#what"/);
  assert.ok(missingHtml.includes(">Een jongen van 15</textarea>"), "what was typed stays");
  assert.match(missingHtml, /id="form-criminal" name="form" value="criminal" checked/);
  assert.match(missingHtml, new RegExp(`name="csrf" value="${csrf}"`), "the session's token again");
  // a form from elsewhere: the router's CSRF check
  const forged = await post([["csrf", "0".repeat(64)], ["what", "x"]]);
  assert.equal(forged.status, 403);

  const what = "Een jongen van 15 moet elke dag pakketjes rondbrengen voor een man op een scooter.";
  const fields = [["csrf", csrf], ["submission", submission], ["kind", "report"], ["what", what], ["form", "criminal"],
    ["signal", "lange-dagen"], ["contact_wanted", "1"], ["phone", "06-98765432"]];
  const stored = await post(fields);
  assert.equal(stored.status, 201);
  assert.match(stored.headers.get("cache-control") || "", /no-store/);
  const receiptHtml = await stored.text();
  const receipt = receiptHtml.match(/<p class="receipt" id="receipt">([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})<\/p>/)[1];
  const spelled = [...receiptHtml.matchAll(/class="receipt-group intake-spelled">([^<]+)</g)].map((m) => m[1]);
  assert.equal(spelled.length, 4);
  assert.equal(spelled.map((g) => g.replaceAll(" ", "")).join("-"), receipt, "the groups spell the code");
  assert.match(receiptHtml, /https:\/\/meldwijzer\.example\/opvolgen/, "where the caller follows up online");
  assert.match(receiptHtml, /Lees langzaam, één groepje tegelijk/);

  // the caller follows up with it; the queue lists it as a phone call; the audit log has its ref
  const followup = await followUp(receipt);
  assert.equal(followup.what, what);
  const ref = await onlyRef(caseworker, "source=phone");
  assert.match(receiptHtml, new RegExp(`href="/team/zaak\\?ref=${ref}"`));
  const caseHtml = await (await get(`/team/zaak?ref=${ref}`, caseworker)).text();
  assert.match(caseHtml, /<dt>Binnengekomen via<\/dt><dd>Telefoon<\/dd>/);
  assert.ok(caseHtml.includes("06-98765432"), "the caller's number for a call back");
  assert.match(caseHtml, /<td data-label="Wie">mila<\/td><td data-label="Wat">Telefonisch aangenomen<\/td>/, "in the history");
  assert.ok(auditEntries(ref).includes("mila case_intake_phone"));
  assert.equal(sql(`SELECT source FROM cases WHERE ref = '${ref}'`)[0], "phone");
  // the same form again (Back, reload): nothing new, and the code is not shown again
  const again = await post(fields);
  assert.equal(again.status, 409);
  assert.ok(!(await again.text()).includes(receipt));
  assert.equal(sql("SELECT count(*) FROM cases WHERE source = 'phone'")[0], "1");
  // the reports of the tests before came in online, and stay so
  assert.equal(sql("SELECT count(*) FROM cases WHERE source = 'online'")[0], "3");
});

test("every case-work page is valid HTML (Nu Html Checker), also with problems on it", async () => {
  await submitReport({ kind: "report", what: "Controle van de pagina's", who: "Iemand", forms: ["sexual"],
    signals: ["lange-dagen"], contact: { phone: "010-1234567" } });
  const coordinator = await signIn("olga", ["coordinator"]);
  const caseworker = await signIn("piet", ["caseworker"]);
  const ref = sql("SELECT ref FROM cases WHERE source = 'online' ORDER BY id DESC LIMIT 1")[0];
  const pages = {};
  pages.caseCoordinator = await (await get(`/team/zaak?ref=${ref}`, coordinator)).text();
  pages.noConsent = await (await postCaseForm(caseworker, ref, "/team/zaak/doorverwijzen",
    [["partner", "police"], ["category", "narrative"], ["consent", "not_asked"]])).text();
  pages.overrideProblem = await (await postCaseForm(coordinator, ref, "/en/team/case/refer",
    [["partner", "police"], ["category", "person"], ["consent", "refused"], ["override", "minor"], ["reason", "kort"]], "/en")).text();
  pages.consentProblem = await (await postCaseForm(coordinator, ref, "/team/zaak/doorverwijzen",
    [["partner", "police"], ["category", "summary"]])).text();
  assert.equal((await postCaseForm(coordinator, ref, "/team/zaak/doorverwijzen",
    [["partner", "veilig_thuis"], ["category", "summary"], ["category", "signals"], ["category", "narrative"],
      ["category", "person"], ["category", "contact"], ["category", "messages"], ["consent", "given"]])).status, 303);
  pages.handover = await (await get(`/team/zaak/overdracht?ref=${ref}&n=1`, caseworker)).text();
  pages.handoverEnglish = await (await get(`/en/team/case/handover?ref=${ref}&n=1`, caseworker)).text();
  assert.equal((await postCaseForm(coordinator, ref, "/team/zaak/status", { to: "closed", reason: "referred" })).status, 303);
  pages.closed = await (await get(`/team/zaak?ref=${ref}`, coordinator)).text();
  pages.retentionProblem = await (await postCaseForm(coordinator, ref, "/team/zaak/bewaren", { months: "0", reason: "" })).text();
  pages.intake = await (await get("/team/telefoon", caseworker)).text();
  const csrf = pages.intake.match(/name="csrf" value="([^"]+)"/)[1];
  const send = (fields) => fetch(`${server.url}/en/team/phone`, { method: "POST", redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Cookie: caseworker },
    body: new URLSearchParams(fields) });
  pages.intakeProblem = await (await send([["csrf", csrf], ["what", ""], ["phone", "geen nummer"], ["contact_wanted", "1"]])).text();
  const fields = [["csrf", csrf], ["submission", "a".repeat(32)], ["what", "Een beller over een massagesalon."]];
  pages.receipt = await (await send(fields)).text();
  pages.sentBefore = await (await send(fields)).text();
  pages.queue = await (await get("/team/zaken?source=phone", caseworker)).text();

  const dir = mkdtempSync(path.join(tmpdir(), "meldwijzer-cases-html-"));
  const files = Object.entries(pages).map(([name, body]) => {
    assert.match(body, /^<!DOCTYPE html>/, name);
    const file = path.join(dir, `${name}.html`);
    writeFileSync(file, body);
    return file;
  });
  const jar = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "..", "node_modules", "vnu-jar",
    "build", "dist", "vnu.jar");
  const checked = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "text", ...files]);
  const output = `${checked.stdout}${checked.stderr}`;
  assert.equal(checked.status, 0, output);
  assert.match(output, /No errors found/);
});
