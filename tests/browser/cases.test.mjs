// Issue 15 in Chromium, keyboard only (Tab, Shift+Tab, Enter, Space, typing; no clicks): someone
// reports through the public form and keeps the receipt; a caseworker signs in at /team/ (password and
// TOTP code), finds the new report in the queue, takes it on, answers the reporter and writes an
// internal note; the reporter, in a browser of their own, types the receipt on the follow-up page and
// reads the answer, never the note. axe (WCAG 2.1 A/AA) at 375 and 1280 px on every page visited, the
// focus visible on every element reached, nothing sideways at 320 px; screenshots in
// build/screenshots/cases-*.png. Once with JavaScript, once without (the team pages must work
// without it).
//
// The only addresses typed are the first page of each person (/melden, /team/) and the follow-up
// page, which the receipt page tells the reporter to type.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../support.mjs";
import { launch } from "./helpers.mjs";
import { activeAccount, totp, openPage, tabTo, typeInto, pressAndWait, chooseOption, checkPage } from "./team_support.mjs";

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
async function caseWork(js, label, name, secret, narrative, answer, note) {
  const page = await openPage(browser, { js, width: 1280 });
  await page.goto(server.url + "/team/");
  assert.equal(await page.locator("#password").count(), 1, "not signed in: the sign-in form");
  await checkPage(page, `${label}-team-login`);
  await typeInto(page, "#name", name);
  await typeInto(page, "#password", password);
  await typeInto(page, "#code", totp(secret, 1));
  await pressAndWait(page);
  assert.equal(new URL(page.url()).pathname, "/team/");
  assert.match(await mainText(page), new RegExp(`Ingelogd als\\s+${name}`));
  await checkPage(page, `${label}-team-home`);

  await tabTo(page, 'main a[href="/team/zaken"]');
  await pressAndWait(page);
  assert.equal(await page.locator("h1").innerText(), "Zaken");
  await checkPage(page, `${label}-queue`);

  // only the new ones: the status filter, with the keyboard
  await chooseOption(page, "#queue-status", "Nieuw");
  await tabTo(page, "form.queue-filters button[type=submit]");
  await pressAndWait(page);
  assert.match(page.url(), /[?&]status=new\b/);
  const items = page.locator("li.queue-item");
  assert.equal(await items.count(), 1, "one new report in the queue");
  assert.match(await items.first().innerText(), /Status: Nieuw\..*Vorm van uitbuiting: arbeidsuitbuiting/s);
  await checkPage(page, `${label}-queue-new`);
  await tabTo(page, "li.queue-item .queue-item-title a");
  await pressAndWait(page);

  assert.equal(new URL(page.url()).pathname, "/team/zaak");
  assert.ok((await mainText(page)).includes(narrative), "the narrative, as the reporter typed it");
  assert.equal(await page.locator(".case-facts dt:text-is('Status') + dd").innerText(), "Nieuw");
  await checkPage(page, `${label}-case`);

  // take it on
  await chooseOption(page, "#status-to", "In behandeling nemen");
  await tabTo(page, 'form[action="/team/zaak/status"] button[type=submit]');
  await pressAndWait(page);
  assert.equal(await page.locator(".case-facts dt:text-is('Status') + dd").innerText(), "In behandeling");
  await checkPage(page, `${label}-case-taken-on`);

  // the answer to the reporter
  await typeInto(page, "#answer-body", answer);
  await tabTo(page, 'form[action="/team/zaak/antwoord"] button[type=submit]');
  await pressAndWait(page);
  assert.equal(await page.locator(".case-message").count(), 1);
  assert.ok((await page.locator(".case-message").innerText()).includes(answer), "the answer in the thread");
  await checkPage(page, `${label}-case-answered`);

  // the internal note
  await typeInto(page, "#note-text", note);
  await tabTo(page, 'form[action="/team/zaak/notitie"] button[type=submit]');
  await pressAndWait(page);
  assert.ok((await page.locator(".case-note").innerText()).includes(note), "the note among the notes");
  assert.ok(!(await page.locator(".case-message").innerText()).includes(note), "the note is not in the thread");
  await checkPage(page, `${label}-case-noted`);
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
  assert.match(text, /Stand van zaken\s+In behandeling/, "the status in words");
  assert.ok(text.includes(answer), "the caseworker's answer");
  assert.ok(!(await page.content()).includes(note), "the internal note is nowhere on the page");
  await checkPage(page, `${label}-followup`);
  await page.context().close();
}

for (const js of [true, false]) {
  const label = js ? "js" : "nojs";
  test(`report, answer and follow-up with the keyboard only, JavaScript ${js ? "on" : "off"}, axe on every page`, async () => {
    const name = js ? "carla" : "daan";
    const secret = await activeAccount(browser, server, name, ["caseworker"], password);
    const narrative = `Mijn buurman (${label}) werkt elke dag 14 uur in een kas in het Westland en krijgt geen loon.`;
    const answer = `Dank je wel voor je melding (${label}). Wij gaan hiermee aan de slag en kijken wat we kunnen doen.`;
    const note = `INTERN-${label}: adres bekend bij collega van de gemeente, eerst navragen.`;
    const receipt = await report(js, label, narrative);
    await caseWork(js, label, name, secret, narrative, answer, note);
    await followUp(js, label, receipt, answer, note);
  });
}
