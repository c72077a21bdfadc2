// Issue 15 in Chromium, keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys, typing; no clicks):
// someone reports through the public form and keeps the receipt; a caseworker signs in at /team/
// (password and TOTP code), finds the new report in the queue with its filters, takes it on, answers
// the reporter and writes an internal note, refers the case (with consent), opens the printable
// hand-over page (print media: no navigation), records a phone call and gets its receipt, and signs
// out from the team menu; the reporter, in a browser of their own, types the receipt on the follow-up
// page and reads the answer, marked new (not on a second visit), never the note, and withdraws the
// report; another reporter writes back, and a coordinator finds that case with the queue's "wrote
// again" filter; the caller follows up with the code read out; the coordinator closes that call's
// case and keeps it longer. The caseworker's part runs twice: with JavaScript, and without it up to the note
// (the coordinator's part too is without it). axe (WCAG 2.1 A/AA) at 375 and 1280 px on every page
// visited (once per page and state; without JavaScript on a copy of the page's HTML, see
// team_support.mjs), the focus visible
// on every element Tab passes, nothing sideways at 320 px; screenshots in build/screenshots/cases-*.png.
//
// The only addresses typed are the first page of each person (/melden, /team/) and the follow-up
// page, which the receipt page tells the reporter to type. Accounts are made with the CLI and
// activated on /team/activeren as set-up (team.test.mjs tests that page with the keyboard).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../support.mjs";
import { launch } from "./helpers.mjs";
import path from "node:path";
import { activeAccount, totp, openPage, tabTo, typeInto, pressAndWait, chooseOption, chooseRadio, tick, checkPage,
  caseScreenshots } from "./team_support.mjs";

let server;
let browser;
const password = "Meeuwen boven de Erasmusbrug om zes uur";

before(async () => {
  server = await startServer("[limits]\nsubmissions_per_hour = 1000\n");
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal(await server?.stop(), 0);
});

const mainText = (page) => page.locator("main").innerText();

// The public side: the report form, the receipt (kept), "I have saved it", the thank-you page.
async function report(js, label, narrative) {
  const page = await openPage(browser, { js, width: 375 });
  await page.goto(server.url + "/melden");
  await checkPage(page, `${label}-report-form`);
  await typeInto(page, "#what", narrative);
  await tabTo(page, "#form-labour");
  await page.keyboard.press("Space");
  assert.equal(await page.locator("#form-labour").isChecked(), true, "Space ticks the box");
  await tabTo(page, "form.report button[type=submit]");
  await pressAndWait(page);

  assert.match(await page.locator("h1").innerText(), /Je melding is ontvangen/);
  const receipt = (await page.locator(".receipt").innerText()).replace(/\s+/g, "");
  assert.match(receipt, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/, "a receipt is shown");
  assert.match(await mainText(page), /https:\/\/meldwijzer\.example\/opvolgen/, "the address to type later");
  await checkPage(page, `${label}-receipt`);
  await tabTo(page, "#saved");
  await page.keyboard.press("Space");
  await tabTo(page, "form.receipt-done button[type=submit]");
  await pressAndWait(page);
  assert.equal(await page.locator("h1").innerText(), "Dank je voor je melding");
  await checkPage(page, `${label}-report-done`);
  await page.context().close();
  return receipt;
}

// The caseworker: sign in, the queue, the new report, take it on, answer, note.
async function caseWork(t, js, label, name, secret, narrative, answer, note, phoneText) {
  const full = js;
  // Without JavaScript these are the same pages, in the same states, as in the run with it, and
  // site.js leaves team pages as the server sent them (ef1afc7): axe would read the same HTML again,
  // so it runs in the run with JavaScript only (the 180 s the runner gives this file); the width
  // check and the screenshots run in both.
  const axe = js;
  const page = await openPage(browser, { js, width: 1280 });
  await page.goto(server.url + "/team/");
  assert.equal(await page.locator("#password").count(), 1, "not signed in: the sign-in form");
  await checkPage(page, `${label}-team-login`, { axe });
  await typeInto(page, "#name", name);
  await typeInto(page, "#password", password);
  await typeInto(page, "#code", totp(secret, 1));
  await pressAndWait(page);
  assert.equal(new URL(page.url()).pathname, "/team/");
  assert.match(await mainText(page), new RegExp(`Ingelogd als\\s+${name}`));
  await checkPage(page, `${label}-team-home`, { axe });

  await tabTo(page, 'main a[href="/team/zaken"]');
  await pressAndWait(page);
  assert.equal(await page.locator("h1").innerText(), "Zaken");
  await checkPage(page, `${label}-queue`, { axe });

  // only the new ones that came in online: the filters, with the keyboard
  await chooseOption(page, "#queue-status", "Nieuw");
  await chooseOption(page, "#queue-source", "Online");
  await tabTo(page, "form.queue-filters button[type=submit]");
  await pressAndWait(page);
  assert.match(page.url(), /[?&]status=new&.*\bsource=online\b/);
  const items = page.locator("li.queue-item");
  assert.equal(await items.count(), 1, "one new report in the queue");
  assert.match(await items.first().innerText(), /Status: Nieuw\..*Vorm van uitbuiting: arbeidsuitbuiting/s);
  await checkPage(page, `${label}-queue-new`, { axe });
  await tabTo(page, "li.queue-item .queue-item-title a");
  await pressAndWait(page);

  assert.equal(new URL(page.url()).pathname, "/team/zaak");
  assert.ok((await mainText(page)).includes(narrative), "the narrative, as the reporter typed it");
  assert.equal(await page.locator(".case-facts dt:text-is('Status') + dd").innerText(), "Nieuw");
  await checkPage(page, `${label}-case`, { axe });

  // take it on
  await chooseOption(page, "#status-to", "In behandeling nemen");
  await tabTo(page, 'form[action="/team/zaak/status"] button[type=submit]');
  await pressAndWait(page);
  assert.equal(await page.locator(".case-facts dt:text-is('Status') + dd").innerText(), "In behandeling");
  await checkPage(page, `${label}-case-taken-on`, { axe: false }); // axe: on the fuller state below

  // the answer to the reporter
  await typeInto(page, "#answer-body", answer);
  await tabTo(page, 'form[action="/team/zaak/antwoord"] button[type=submit]');
  await pressAndWait(page);
  assert.equal(await page.locator(".case-message").count(), 1);
  assert.ok((await page.locator(".case-message").innerText()).includes(answer), "the answer in the thread");
  await checkPage(page, `${label}-case-answered`, { axe: false }); // axe: on the fuller state below

  // the internal note
  await typeInto(page, "#note-text", note);
  await tabTo(page, 'form[action="/team/zaak/notitie"] button[type=submit]');
  await pressAndWait(page);
  assert.ok((await page.locator(".case-note").innerText()).includes(note), "the note among the notes");
  assert.ok(!(await page.locator(".case-message").innerText()).includes(note), "the note is not in the thread");
  // without JavaScript the run ends here (the 180 s the runner gives this file): the referral, the
  // hand-over page and the phone intake are the run with JavaScript's
  await checkPage(page, `${label}-case-noted`, { axe: false }); // axe: on the fuller state below
  if (js) {
    // with JavaScript too, the team pages keep the browser's usual history: a reload (F5) here shows
    // the case again (a tab of the same browser, so that this one goes on)
    const tab = await page.context().newPage();
    try {
      const response = await tab.goto(page.url());
      assert.equal(response.status(), 200, `reloading ${new URL(page.url()).pathname}`);
      assert.match(await tab.locator("h1").innerText(), /^Melding/);
    } finally {
      await tab.close();
    }
  }

  if (!full) {
    await signOut(page, label, axe);
    return null;
  }

  // a referral, with the person's consent, and its printable hand-over page
  await chooseOption(page, "#refer-partner", "Nederlandse Arbeidsinspectie");
  await tick(page, "#refer-category-summary");
  await tick(page, "#refer-category-signals");
  await tick(page, "#refer-category-narrative");
  await chooseRadio(page, "consent", "refer-consent-given");
  await tabTo(page, 'form[action="/team/zaak/doorverwijzen"] button[type=submit]');
  await pressAndWait(page);
  const referral = await page.locator(".case-referral").innerText();
  assert.match(referral, /Nederlandse Arbeidsinspectie/);
  assert.match(referral, /Toestemming: gegeven/);
  assert.equal(await page.locator(".case-facts dt:text-is('Status') + dd").innerText(), "Doorverwezen");
  const history = await page.locator("table.team-log tbody").innerText();
  assert.match(history, new RegExp(name), "the case history says who did it");
  assert.ok((await page.locator("table.team-log tbody tr").count()) >= 4,
    `the history lists taking on, answer, note and referral:\n${history}`);
  await checkPage(page, `${label}-case-referred`);

  await tabTo(page, ".case-referral a");
  await pressAndWait(page);
  assert.equal(new URL(page.url()).pathname, "/team/zaak/overdracht");
  assert.equal(await page.locator("h1").innerText(), "Overdracht aan Nederlandse Arbeidsinspectie");
  const handover = await mainText(page);
  assert.ok(handover.includes(narrative), "with consent, what the reporter wrote goes along");
  assert.ok(!handover.includes(answer) && !handover.includes(note), "the messages and notes were not chosen");
  await checkPage(page, `${label}-handover`);
  // on paper: the hand-over only, without the site's navigation, header, footer or screen hints
  await page.emulateMedia({ media: "print" });
  for (const selector of ["nav", ".skip-link", ".danger-bar", ".site-header", ".site-footer", ".handover-screen",
    ".quick-exit", ".lang-switch"]) {
    for (const element of await page.locator(selector).all()) {
      assert.equal(await element.isVisible(), false, `${selector} is not printed`);
    }
  }
  assert.equal(await page.locator("h1").isVisible(), true, "the hand-over itself is printed");
  assert.equal(await page.locator(".handover-sign").isVisible(), true, "with the lines to sign");
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.screenshot({ path: path.join(caseScreenshots, `cases-${label}-handover-print.png`), fullPage: true });
  await page.emulateMedia({ media: null });
  await page.setViewportSize({ width: 1280, height: 800 });
  await tabTo(page, ".handover-screen a");
  await pressAndWait(page);
  assert.equal(new URL(page.url()).pathname, "/team/zaak", "back on the case page");

  // a call: the phone intake, from the team's menu; its receipt is read out to the caller
  await tabTo(page, 'nav.team-nav a[href="/team/telefoon"]', { back: true });
  await pressAndWait(page);
  assert.equal(await page.locator("h1").innerText(), "Telefoontje vastleggen");
  await checkPage(page, `${label}-phone-intake`);
  await chooseRadio(page, "kind", "kind-consultation");
  await typeInto(page, "#what", phoneText);
  await tabTo(page, 'form[action="/team/telefoon"] button[type=submit]');
  await pressAndWait(page);
  assert.equal(await page.locator("h1").innerText(), "Lees de code voor");
  const phoneReceipt = (await page.locator("#receipt").innerText()).replace(/\s+/g, "");
  assert.match(phoneReceipt, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/, "a receipt to read out");
  assert.equal(await page.locator(".intake-groups li").count(), 4, "spelled out in four groups");
  await checkPage(page, `${label}-phone-receipt`);

  await signOut(page, label, axe);
  return phoneReceipt;
}

// Done: sign out from the team menu, which every team page has.
async function signOut(page, label, axe = true) {
  await tabTo(page, "nav.team-nav form.team-nav-sign-out button");
  await pressAndWait(page);
  assert.equal(await page.locator("#password").count(), 1, "signed out: the sign-in form again");
  assert.deepEqual(await page.context().cookies(), [], "no session cookie left");
  await checkPage(page, `${label}-signed-out`, { axe });
  await page.context().close();
}

// The reporter again, in another browser: the follow-up page, the receipt, the answer, not the note.
async function followUp(js, label, receipt, answer, note) {
  const page = await openPage(browser, { js, width: 375 });
  await page.goto(server.url + "/opvolgen");
  await checkPage(page, `${label}-followup-login`);
  await typeInto(page, "#receipt", receipt);
  await pressAndWait(page);
  assert.equal(await page.locator("#receipt").count(), 0, "the receipt was taken");
  const text = await mainText(page);
  assert.match(text, /Stand van zaken\s+Doorverwezen/, "the status in words");
  assert.ok(text.includes(answer), "the caseworker's answer");
  assert.ok(!(await page.content()).includes(note), "the internal note is nowhere on the page");
  assert.match(text, /Het adviespunt heeft een andere organisatie gevraagd om te helpen/, "what the status means");
  assert.match(text, /Er is een nieuw antwoord van het adviespunt\./, "the new answer is announced at the top");
  assert.equal(await page.locator(".messages li .new-mark").count(), 1, "the answer is marked new");
  assert.ok((await page.locator(".messages li", { has: page.locator(".new-mark") }).innerText()).includes(answer));
  await checkPage(page, `${label}-followup`);

  // a second visit (the address typed again): the answer is no longer new
  await page.goto(server.url + "/opvolgen");
  await typeInto(page, "#receipt", receipt);
  await pressAndWait(page);
  assert.ok((await mainText(page)).includes(answer));
  assert.equal(await page.locator(".new-mark").count(), 0, "read before: not new any more");
  assert.doesNotMatch(await mainText(page), /Er is een nieuw antwoord/);

  // the reporter withdraws the report: everything is wiped, the receipt works no more
  await tabTo(page, 'main a[href="/opvolgen/intrekken"]');
  await pressAndWait(page);
  assert.equal(await page.locator("h1").innerText(), "Melding intrekken");
  await checkPage(page, `${label}-withdraw`);
  await typeInto(page, "#receipt", receipt);
  await tick(page, "#confirm");
  await tabTo(page, 'form[action="/opvolgen/intrekken"] button[type=submit]');
  await pressAndWait(page);
  assert.equal(await page.locator("h1").innerText(), "Je melding is ingetrokken");
  await checkPage(page, `${label}-withdrawn`);
  await page.goto(server.url + "/opvolgen");
  await typeInto(page, "#receipt", receipt);
  await pressAndWait(page);
  assert.match(await mainText(page), /Met deze code vinden we geen melding/);
  assert.ok(!(await page.content()).includes(answer), "nothing of the report is left to read");
  await page.context().close();
}

// The caller of the phone intake follows up online with the code read out to them.
async function callerFollowsUp(js, label, receipt, phoneText) {
  const page = await openPage(browser, { js, width: 375 });
  await page.goto(server.url + "/opvolgen");
  await typeInto(page, "#receipt", receipt.toLowerCase());
  await pressAndWait(page);
  const text = await mainText(page);
  assert.ok(text.includes(phoneText), "what the caller told, as the caseworker typed it");
  assert.match(text, /Stand van zaken\s+Ontvangen, nog niet beantwoord/);
  assert.match(text, /Er zijn nog geen berichten\./);
  await checkPage(page, `${label}-caller-followup`);
  await page.context().close();
}

// A report sent as the API takes it (for the caseworker's run without JavaScript; the public form
// without JavaScript is report.test.mjs's and receipt.test.mjs's): its receipt.
async function apiReport(narrative) {
  const response = await fetch(`${server.url}/api/v1/reports`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ kind: "report", what: narrative, forms: ["labour"] }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).receipt;
}

// What the reporter's follow-up holds (the API the page uses): the messages, all of it as text.
async function apiFollowUp(receipt) {
  const login = await fetch(`${server.url}/api/v1/followup`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt }),
  });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  const read = await fetch(`${server.url}/api/v1/followup`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(read.status, 200);
  return read.text();
}

// Each person's part is a test of its own; they run in this order and hand on what the next one
// needs (a part fails when the one before it did). The whole file stays within the runner's 180 s.
const stories = {};
for (const js of [true, false]) {
  const label = js ? "js" : "nojs";
  stories[label] = {
    name: js ? "carla" : "daan",
    narrative: `Mijn buurman (${label}) werkt elke dag 14 uur in een kas in het Westland en krijgt geen loon.`,
    answer: `Dank je wel voor je melding (${label}). Wij gaan hiermee aan de slag en kijken wat we kunnen doen.`,
    note: `INTERN-${label}: adres bekend bij collega van de gemeente, eerst navragen.`,
    phoneText: `Een beller (${label}) zegt dat zijn nicht in een hotel werkt en haar paspoort moest afgeven.`,
  };
}

test("someone reports online and keeps the receipt, keyboard only, axe on every page", async () => {
  stories.js.receipt = await report(true, "js", stories.js.narrative);
});

for (const js of [true, false]) {
  const label = js ? "js" : "nojs";
  const story = stories[label];
  test(`a caseworker takes the report on, answers, notes${js ? ", refers, records a call" : ""}, keyboard only, JavaScript ${js ? "on, axe on every page" : "off"}`, async (t) => {
    if (!js) story.receipt = await apiReport(story.narrative);
    assert.ok(story.receipt, "the report of the test before");
    const secret = await activeAccount(browser, server, story.name, ["caseworker"], password);
    story.phoneReceipt = await caseWork(t, js, label, story.name, secret, story.narrative, story.answer, story.note,
      story.phoneText);
  });
}

test("the reporter reads the answer (not the note) and withdraws the report, keyboard only, axe on every page", async () => {
  const story = stories.js;
  assert.ok(story.phoneReceipt, "the case work of the test before");
  await followUp(true, "js", story.receipt, story.answer, story.note);
  // the answer written without JavaScript reached its reporter too, the note did not
  const other = await apiFollowUp(stories.nojs.receipt);
  assert.ok(other.includes(stories.nojs.answer), "the answer written without JavaScript");
  assert.ok(!other.includes(stories.nojs.note), "never the note");
});

test("a reporter writes back at follow-up; the queue marks that the reporter wrote again, keyboard only, axe", async () => {
  const page = await openPage(browser, { js: true, width: 375 });
  await page.goto(server.url + "/opvolgen");
  await typeInto(page, "#receipt", stories.nojs.receipt);
  await pressAndWait(page);
  assert.ok((await mainText(page)).includes(stories.nojs.answer));
  stories.nojs.reply = "Ja, ik kan meer vertellen. Hij slaapt ook in de schuur achter de kas.";
  await typeInto(page, "#body", stories.nojs.reply);
  await tabTo(page, 'form[action="/opvolgen/bericht"] button[type=submit]');
  await pressAndWait(page);
  assert.equal(await page.locator("[role=status]").innerText(), "Je reactie is verstuurd.");
  assert.ok((await page.locator(".messages").innerText()).includes(stories.nojs.reply), "the reply in the thread");
  await checkPage(page, "js-followup-replied");
  await page.context().close();
});

test("the caller follows up online with the code read out, keyboard only, axe", async () => {
  assert.ok(stories.js.phoneReceipt, "the phone intake of the test before");
  await callerFollowsUp(true, "js", stories.js.phoneReceipt, stories.js.phoneText);
});

// A coordinator closes the phone call's case with a reason, and keeps it longer with a reason (the
// first try without the number of months: the problem first, its link leads to the field). Without
// JavaScript (the caseworker's run with it shows the same forms sent in the background).
for (const js of [false]) {
  const label = js ? "js" : "nojs";
  test(`a coordinator closes a case and keeps it longer, keyboard only, JavaScript ${js ? "on" : "off"}`, async (t) => {
    const name = js ? "eva" : "femke";
    const secret = await activeAccount(browser, server, name, ["coordinator"], password);
    const page = await openPage(browser, { js, width: 1280 });
    await page.goto(server.url + "/team/");
    await typeInto(page, "#name", name);
    await typeInto(page, "#password", password);
    await typeInto(page, "#code", totp(secret, 1));
    await pressAndWait(page);
    await tabTo(page, 'main a[href="/team/zaken"]');
    await pressAndWait(page);
    // the reporter who wrote again: found with its filter, marked in words
    assert.ok(stories.nojs.reply, "the reply of the test before");
    await tick(page, "#queue-waiting");
    await tabTo(page, "form.queue-filters button[type=submit]");
    await pressAndWait(page);
    assert.equal(await page.locator("li.queue-item").count(), 1, "one case where the reporter wrote again");
    assert.match(await page.locator("li.queue-item").innerText(), /De melder schreef opnieuw/);
    await checkPage(page, `${label}-coordinator-queue-waiting`);
    await tabTo(page, "#queue-waiting");
    await page.keyboard.press("Space");
    assert.equal(await page.locator("#queue-waiting").isChecked(), false, "Space unticks it");

    await chooseOption(page, "#queue-status", "Nieuw");
    await chooseOption(page, "#queue-source", "Telefoon");
    await tabTo(page, "form.queue-filters button[type=submit]");
    await pressAndWait(page);
    assert.ok(await page.locator("li.queue-item").count() >= 1, "the phone calls are in the queue");
    assert.match(await page.locator("li.queue-item").first().innerText(), /Binnengekomen via: Telefoon/);
    await checkPage(page, `${label}-coordinator-queue-phone`);
    await tabTo(page, "li.queue-item .queue-item-title a");
    await pressAndWait(page);
    const status = page.locator(".case-facts dt:text-is('Status') + dd");
    assert.equal(await status.innerText(), "Nieuw");

    await chooseOption(page, "#status-to", "Afsluiten");
    await chooseOption(page, "#status-reason", "Advies gegeven");
    await tabTo(page, 'form[action="/team/zaak/status"] button[type=submit]');
    await pressAndWait(page);
    assert.equal(await status.innerText(), "Afgesloten");
    assert.equal(await page.locator(".case-facts dt:text-is('Reden van afsluiten') + dd").innerText(), "Advies gegeven");
    const before = await page.locator("h2:text-is('Bewaren') + p strong").innerText();
    assert.ok(before.length > 0, "a closed case says when it is destroyed");
    await checkPage(page, `${label}-case-closed`);

    // without the months: the problem first, and its link leads to the field
    const reason = `De politie onderzoekt deze zaak nog (${label}); wachten op hun bericht.`;
    await typeInto(page, "#retention-reason", reason);
    await tabTo(page, 'form[action="/team/zaak/bewaren"] button[type=submit]');
    await pressAndWait(page);
    assert.equal(await page.locator("main .error-summary").count(), 1, "the problem is said at the top");
    assert.equal(await page.locator("#retention-reason").inputValue(), reason, "the typed reason is kept");
    await checkPage(page, `${label}-case-keep-problem`);
    if (js) assert.equal(await page.evaluate(() => document.activeElement.id), "error-summary", "the focus on the problem");
    await tabTo(page, '.error-summary a[href="#retention-months"]');
    await page.keyboard.press("Enter");
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => document.activeElement.id), "retention-months", "the link leads to the field");
    await page.keyboard.type("6");
    await tabTo(page, 'form[action="/team/zaak/bewaren"] button[type=submit]');
    await pressAndWait(page);
    assert.equal(await page.locator("main .error-summary").count(), 0);
    const after = await page.locator("h2:text-is('Bewaren') + p strong").innerText();
    assert.notEqual(after, before, `kept longer: ${before} → ${after}`);
    assert.ok((await page.locator(".case-note").last().innerText()).includes(reason), "the reason among the notes");
    assert.match(await page.locator("table.team-log tbody").innerText(), new RegExp(name));
    await checkPage(page, `${label}-case-kept`);
    await page.context().close();
  });
}

// Escape twice is the public site's quick exit (site.js). On the team pages a keyboard user presses
// Escape to close a list or a menu; twice there should not throw away what they typed.
test("on a team page, Escape twice keeps the caseworker and what they typed", async () => {
  const page = await openPage(browser, { js: true, width: 1280 });
  try {
    await page.goto(server.url + "/team/");
    await typeInto(page, "#name", "carla");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await page.waitForTimeout(500);
    assert.equal(new URL(page.url()).origin, server.url, "still on the site");
    assert.equal(await page.locator("#name").inputValue(), "carla");
  } finally {
    await page.context().close();
  }
});
