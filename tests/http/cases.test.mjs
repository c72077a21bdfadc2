// The case pages of the back office (issue 15): the queue, the case page, answers the reporter reads
// at follow-up, internal notes the reporter never sees, the router's 403 for an analyst, refused
// status changes, and the audit log of it all.
//
// Accounts, logins and case forms: cases_support.mjs (shared with cases_work.test.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, binary, onPostgres } from "../support.mjs";
import { cases, form, buildActivator, signIn, get, postCaseForm, auditEntries, submitReport, followUp }
  from "./cases_support.mjs";

let server;
// The PostgreSQL backend has no case operations yet (db_pg.c: db_case_* answer -1, so these pages
// answer 500 there). The tests still run on it, as known gaps, and count again once it has them.

before(async () => {
  cases.activator = buildActivator();
  server = cases.server = await startServer("[limits]\nsubmissions_per_hour = 1000\n");
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0);
});

test("a report reaches the queue; a caseworker answers it, the reporter reads the answer; notes stay inside", async () => {
  const narrative = "Mijn buurman werkt elke dag 14 uur in een kas en krijgt zijn loon niet.";
  const receipt = await submitReport({ kind: "report", what: narrative, who: "Piotr", where: "Westland",
    forms: ["labour"], signals: ["lange-dagen", "weinig-of-geen-loon"], relation: "neighbour",
    contact: { name: "Anna", phone: "06-12345678" } });
  const caseworker = await signIn("carla", ["caseworker"]);

  // without a session: the sign-in form, never the queue
  const anonymous = await get("/team/zaken");
  assert.equal(anonymous.status, 401);
  assert.doesNotMatch(await anonymous.text(), /ref=[0-9a-f]{32}/);

  const queue = await get("/team/zaken", caseworker);
  assert.equal(queue.status, 200);
  const queueHtml = await queue.text();
  const refs = [...new Set([...queueHtml.matchAll(/ref=([0-9a-f]{32})/g)].map((m) => m[1]))];
  assert.equal(refs.length, 1, "the one report is in the queue");
  const [ref] = refs;
  assert.match(queueHtml, /Nieuw: <strong>1<\/strong>/, "counts per status");
  assert.match(queueHtml, /<meta name="robots" content="noindex/);
  assert.doesNotMatch(queueHtml, /Mijn buurman/, "the queue shows no content");
  // filters: a plain GET form; a status with no cases shows none, a wrong value says so
  assert.doesNotMatch(await (await get("/team/zaken?status=closed", caseworker)).text(), /ref=[0-9a-f]{32}/);
  assert.match(await (await get("/team/zaken?form=labour&source=online&assigned=unassigned", caseworker)).text(),
    new RegExp(ref));
  const wrong = await get("/team/zaken?status=bogus", caseworker);
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /class="error-summary"[\s\S]*Deze zoekopdracht klopt niet/);
  // the English queue has its own address
  assert.match(await (await get("/en/team/cases", caseworker)).text(), /New: <strong>1<\/strong>/);

  const casePage = await get(`/team/zaak?ref=${ref}`, caseworker);
  assert.equal(casePage.status, 200);
  const caseHtml = await casePage.text();
  assert.ok(caseHtml.includes(narrative), "the narrative, decrypted");
  assert.match(caseHtml, /06-12345678/, "the contact details");
  assert.match(caseHtml, /Arbeidsuitbuiting/);
  assert.match(caseHtml, /class="recommendations"/, "the routing the public site gives");
  assert.match(caseHtml, /Interne notities/);
  assert.doesNotMatch(caseHtml, /<script(?! src="\/static\/site\.js")/, "no inline script");

  const answer = "Dank je voor je melding. Wij gaan hiermee aan de slag.";
  const answered = await postCaseForm(caseworker, ref, "/team/zaak/antwoord", { body: answer });
  assert.equal(answered.status, 303);
  assert.equal(answered.headers.get("location"), `/team/zaak?ref=${ref}&done=answer`);
  assert.match(await (await get(answered.headers.get("location"), caseworker)).text(),
    /<p class="note-ok" role="status">Je antwoord is verstuurd/, "the case page says what was done");
  const note = "INTERN: buurman al eerder gezien bij de kas, navragen bij collega.";
  const noted = await postCaseForm(caseworker, ref, "/team/zaak/notitie", { text: note });
  assert.equal(noted.status, 303);
  const afterHtml = await (await get(`/team/zaak?ref=${ref}`, caseworker)).text();
  assert.ok(afterHtml.includes(answer) && afterHtml.includes(note), "the answer and the note on the case page");
  assert.match(afterHtml, /<dd>In behandeling<\/dd>/, "answering took the case on");

  const followup = await followUp(receipt);
  const fromTeam = followup.messages.filter((m) => m.from !== "reporter");
  assert.deepEqual(fromTeam.map((m) => m.body), [answer], "the reporter reads the answer");
  assert.ok(!JSON.stringify(followup).includes("INTERN"), "a note is never in the follow-up");

  // an empty answer: the page again with the problem first, nothing stored
  const empty = await postCaseForm(caseworker, ref, "/team/zaak/antwoord", { body: "   " });
  assert.equal(empty.status, 400);
  assert.match(await empty.text(), /<main id="main">\s*<section class="error-summary"[\s\S]*href="#answer-body"/);
  assert.equal((await followUp(receipt)).messages.filter((m) => m.from !== "reporter").length, 1);
});

test("roles: an analyst gets 403 from the router; a caseworker cannot close; a coordinator can, on the audit log", async () => {
  await submitReport({ kind: "consultation", what: "Een meisje van 16 moet voor haar vriend pakketjes rondbrengen.",
    forms: ["criminal"] });
  const caseworker = await signIn("daan", ["caseworker"]);
  const coordinator = await signIn("eva", ["coordinator"]);
  const analyst = await signIn("femke", ["analyst"]);
  const queueHtml = await (await get("/team/zaken?kind=consultation", caseworker)).text();
  const [ref] = [...queueHtml.matchAll(/ref=([0-9a-f]{32})/g)].map((m) => m[1]);
  assert.ok(ref);

  for (const pathname of [`/team/zaak?ref=${ref}`, "/team/zaken", `/en/team/case?ref=${ref}`]) {
    const denied = await get(pathname, analyst);
    assert.equal(denied.status, 403, pathname);
    assert.doesNotMatch(await denied.text(), /pakketjes/);
  }
  assert.ok(!auditEntries(ref).some((entry) => entry.startsWith("femke case_opened")), "the analyst opened nothing");

  // take the case on, then try to close it: refused with a message, the case stays as it was
  assert.equal((await postCaseForm(caseworker, ref, "/team/zaak/status", { to: "in_progress" })).status, 303);
  const refused = await postCaseForm(caseworker, ref, "/team/zaak/status", { to: "closed", reason: "no_signs" });
  assert.equal(refused.status, 403);
  const refusedHtml = await refused.text();
  assert.match(refusedHtml, /class="error-summary"[\s\S]*Alleen een coördinator kan een zaak afsluiten/);
  assert.match(refusedHtml, /<dd>In behandeling<\/dd>/);
  // a status that is no step, and closing without a reason: refused, with what to do
  const noReason = await postCaseForm(coordinator, ref, "/team/zaak/status", { to: "closed", reason: "" });
  assert.equal(noReason.status, 400);
  assert.match(await noReason.text(), /Kies een reden om de zaak af te sluiten/);
  const noStep = await postCaseForm(coordinator, ref, "/team/zaak/status", { to: "referred" });
  assert.equal(noStep.status, 400);
  // a form without the session's CSRF token never reaches the handler
  const forged = await fetch(`${server.url}/team/zaak/status`, { method: "POST", redirect: "manual",
    headers: { ...form, Cookie: coordinator },
    body: new URLSearchParams({ csrf: "0".repeat(64), ref, back: `/team/zaak?ref=${ref}`, to: "closed",
      reason: "no_signs" }) });
  assert.equal(forged.status, 403);

  // the coordinator assigns it and closes it (in English, to the English case page)
  const assigned = await postCaseForm(coordinator, ref, "/en/team/case/assign", { account: "daan" }, "/en");
  assert.equal(assigned.status, 303);
  assert.equal(assigned.headers.get("location"), `/en/team/case?ref=${ref}&done=assign`);
  assert.match(await (await get(`/team/zaken?assigned=mine`, caseworker)).text(), new RegExp(ref));
  const closed = await postCaseForm(coordinator, ref, "/team/zaak/status", { to: "closed", reason: "advice_given" });
  assert.equal(closed.status, 303);
  const closedHtml = await (await get(`/team/zaak?ref=${ref}`, coordinator)).text();
  assert.match(closedHtml, /<dd>Afgesloten<\/dd>/);
  assert.match(closedHtml, /<dd>Advies gegeven<\/dd>/);
  // answering a closed case: refused with a message
  const late = await postCaseForm(coordinator, ref, "/team/zaak/antwoord", { body: "Nog een vraag?" });
  assert.equal(late.status, 409);
  assert.match(await late.text(), /Heropen de zaak om de melder te antwoorden/);

  const entries = auditEntries(ref);
  for (const expected of ["daan case_opened", "daan case_in_progress", "eva case_assigned", "eva case_closed",
    "eva case_opened"]) {
    assert.ok(entries.includes(expected), `${expected} in ${entries.join(", ")}`);
  }
  assert.ok(!entries.includes("daan case_closed"), "the refused close is not on the log as done");
  const verified = execFileSync(binary, ["audit", "verify", "--db", server.database]).toString();
  assert.match(verified, /The audit log is intact/);
});

test("the queue: 50 a page with a page token, overdue and 'wrote again' said in words", async () => {
  const receipts = [];
  for (let i = 0; i < 50; i++) receipts.push(await submitReport({ kind: "report", what: `Melding nummer ${i}` }));
  const coordinator = await signIn("gijs", ["coordinator"]);
  const first = await (await get("/team/zaken", coordinator)).text();
  const firstRefs = [...first.matchAll(/class="queue-item-title"><a href="\/team\/zaak\?ref=([0-9a-f]{32})"/g)]
    .map((m) => m[1]);
  assert.equal(firstRefs.length, 50);
  const next = first.match(/href="(\/team\/zaken\?after=[^"]+)"/);
  assert.ok(next, "a link to the next page");
  const second = await (await get(next[1].replaceAll("&amp;", "&"), coordinator)).text();
  const secondRefs = [...second.matchAll(/class="queue-item-title"><a href="\/team\/zaak\?ref=([0-9a-f]{32})"/g)]
    .map((m) => m[1]);
  assert.equal(secondRefs.length, 2, "52 reports in this file: 50 and 2");
  assert.equal(new Set([...firstRefs, ...secondRefs]).size, 52, "no case on both pages");
  assert.doesNotMatch(second, /after=/, "no page after the last");
  const bad = await get("/team/zaken?after=n.0", coordinator);
  assert.equal(bad.status, 400, "a token that is not one");

  // a case that came in 30 days ago and was never answered is overdue: the queue says so in words
  const [late] = firstRefs;
  const day = new Date(Date.now() - 30 * 86400e3).toISOString().slice(0, 10);
  const due = new Date(Date.now() - 23 * 86400e3).toISOString().slice(0, 10);
  const sql = `UPDATE cases SET created_day = '${day}', due_day = '${due}' WHERE ref = '${late}'`;
  if (onPostgres) execFileSync("psql", ["-qAtX", "-c", sql, server.database]);
  else execFileSync("sqlite3", [server.database.replace(/^sqlite:/, ""), sql]);
  const overdue = await (await get("/team/zaken?overdue=1", coordinator)).text();
  assert.match(overdue, new RegExp(`ref=${late}"[\\s\\S]*?<strong>Te laat</strong> Het eerste antwoord moet uiterlijk`));
  assert.equal([...overdue.matchAll(/class="queue-item"/g)].length, 1, "only the overdue case");

  // the reporter writes after an answer: marked, and found with its filter
  const newest = firstRefs[0];
  assert.equal((await postCaseForm(coordinator, newest, "/team/zaak/antwoord", { body: "Wil je meer vertellen?" }))
    .status, 303);
  const login = await fetch(`${server.url}/api/v1/followup`, { method: "POST",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt: receipts.at(-1) }) });
  const { token } = await login.json();
  const wrote = await fetch(`${server.url}/api/v1/followup/messages`, { method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ body: "Ja, er wonen daar ook kinderen." }) });
  assert.equal(wrote.status, 201);
  const waiting = await (await get("/team/zaken?waiting=1", coordinator)).text();
  assert.match(waiting, new RegExp(`ref=${newest}"[\\s\\S]*?<strong>De melder schreef opnieuw</strong>`));
  assert.equal([...waiting.matchAll(/class="queue-item"/g)].length, 1);
});
