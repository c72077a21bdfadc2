// Issue 10, point 1: traces. The answers of the guide and the signal check never appear in an address
// or in the back/forward list; with JavaScript a whole visit is one history entry, which the quick exit
// replaces; without JavaScript the quick exit is a plain link and every entry is an address without
// answers. The 112 bar with the exit stays on screen while a phone scrolls, the exit far from "Bel 112".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../support.mjs";
import path from "node:path";
import { launch, axeClean, shoot, sessionHistory, submit, screenshots } from "./helpers.mjs";

let server;
let browser;
const answers = ["danger-no", "about-other", "form-sexual", "minor-unknown", "need-advice", "region-rotterdam"];
const answerWords = /[?&](danger|about|form|minor|need|region|signal|age)=|sexual|gedwongen|\?/;

before(async () => {
  server = await startServer("fixed_time = 2026-11-30T07:20:00+01:00\n[site]\noperator = ESSM\nanswer_days = 3\n");
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

async function newTab(js) {
  const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 375, height: 667 } });
  await context.route("https://www.google.com/**", (route) => route.fulfill({ status: 200, contentType: "text/html",
    body: "<title>Google</title>neutral" }));
  const page = await context.newPage();
  await page.goto("about:blank");
  return { context, page };
}

async function walkGuide(page, js) {
  await page.goto(server.url + "/");
  await page.getByRole("link", { name: /Beantwoord een paar vragen/ }).click();
  await page.waitForURL(server.url + "/wegwijzer");
  for (const id of answers) {
    await page.locator(`label[for="${id}"]`).click();
    await submit(page, page.locator("form.step button[type=submit]"), js);
  }
  assert.equal(await page.locator("main h1").textContent(), "Dit kun je doen");
}

test("with JavaScript the guide is one history entry without answers, and quick exit replaces it", async () => {
  const { context, page } = await newTab(true);
  await walkGuide(page, true);
  const during = await sessionHistory(page);
  assert.deepEqual(during.entries.map((e) => e.url), ["about:blank", `${server.url}/wegwijzer`],
    "home, the guide's six steps and the result share one entry");
  assert.equal(await page.evaluate(() => history.length), 2);
  assert.doesNotMatch(JSON.stringify(during.entries), answerWords);
  // the way back inside the site is the site's own button, not the browser's history
  await submit(page, page.getByRole("button", { name: "Vorige vraag" }), true);
  assert.match(await page.locator("legend").textContent(), /Vraag 6 van 6/);
  assert.equal((await sessionHistory(page)).entries.length, 2);
  await submit(page, page.locator("form.step button[type=submit]"), true);

  await Promise.all([page.waitForURL("https://www.google.com/"), page.locator("[data-quick-exit]").click()]);
  const afterExit = await sessionHistory(page);
  assert.deepEqual(afterExit.entries.map((e) => e.url), ["about:blank", "https://www.google.com/"],
    "no entry of the site is left in the back list");
  await page.goBack();
  assert.equal(page.url(), "about:blank", "Back does not bring the site back");
  await context.close();
});

test("with JavaScript the signal check and its result leave one entry, and Escape twice leaves", async () => {
  const { context, page } = await newTab(true);
  await page.goto(server.url + "/signalen");
  await page.locator('label[for="form-sexual"]').click();
  await page.locator('label[for="age-adult"]').click();
  await submit(page, page.locator("form.checklist-start button[type=submit]"), true);
  await page.locator('label[for="s-gedwongen-tot-seks"]').click();
  await submit(page, page.locator("form.checklist button[type=submit]"), true);
  assert.equal(page.url(), `${server.url}/signalen/uitslag`);
  assert.match(await page.locator(".verdict-level").textContent(), /Reden om/);
  const entries = (await sessionHistory(page)).entries;
  assert.deepEqual(entries.map((e) => e.url), ["about:blank", `${server.url}/signalen/uitslag`]);
  await axeClean(page, "signal result after a background form");
  await page.locator("body").click();
  await Promise.all([page.waitForURL("https://www.google.com/"), (async () => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
  })()]);
  assert.deepEqual((await sessionHistory(page)).entries.map((e) => e.url), ["about:blank", "https://www.google.com/"]);
  await context.close();
});

test("without JavaScript no history entry holds an answer, and quick exit is a plain link", async () => {
  const { context, page } = await newTab(false);
  await walkGuide(page, false);
  const { entries } = await sessionHistory(page);
  assert.equal(entries.length, 1 + 1 + 1 + answers.length, "blank, home, the guide and one entry per step");
  for (const entry of entries.slice(1)) {
    assert.ok([`${server.url}/`, `${server.url}/wegwijzer`].includes(entry.url), entry.url);
  }
  assert.doesNotMatch(JSON.stringify(entries), answerWords);
  // the language switch keeps the answers, sent by POST as well
  await Promise.all([page.waitForNavigation(), page.locator(".lang-form button").click()]);
  assert.equal(page.url(), `${server.url}/en/wegwijzer`);
  assert.equal(await page.locator("main h1").textContent(), "What you can do");
  // the signal check from the guide, with the forms and the age filled in
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /go through the signals/ }).click()]);
  assert.equal(page.url(), `${server.url}/en/signalen`);
  assert.match(await page.locator(".chosen-summary").textContent(), /sexual exploitation/);
  const exit = page.locator("[data-quick-exit]");
  assert.equal(await exit.getAttribute("href"), "https://www.google.com/");
  await Promise.all([page.waitForURL("https://www.google.com/"), exit.click()]);
  assert.doesNotMatch(JSON.stringify((await sessionHistory(page)).entries), answerWords);
  await context.close();
});

test("on a phone the exit stays on screen at every scroll position, apart from Bel 112", async () => {
  const { context, page } = await newTab(true);
  await page.goto(server.url + "/signalen?form=unknown&age=unknown");
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height > 5000, "a long page");
  for (const y of [0, 1500, height / 2, height]) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    const exit = await page.locator("[data-quick-exit]").boundingBox();
    const call = await page.locator(".danger-call").boundingBox();
    assert.ok(exit.y >= 0 && exit.y + exit.height <= 667, `exit on screen at scroll ${y}: y=${exit.y}`);
    assert.ok(exit.height >= 44 && call.height >= 44);
    assert.ok(exit.x - (call.x + call.width) >= 80, `at least 80 px between Bel 112 and Snel weg (${exit.x - call.x - call.width})`);
  }
  const colours = await page.evaluate(() => ["danger-call", "quick-exit"].map((c) =>
    getComputedStyle(document.querySelector(`.${c}`)).backgroundColor));
  assert.notEqual(colours[0], colours[1], "112 and the exit look different");
  await page.evaluate(() => window.scrollTo(0, 3000));
  await page.screenshot({ path: path.join(screenshots, "issue10-sticky-exit-375.png") });
  await context.close();
});

test("the privacy page tells the truth and 'wis je sporen' explains private windows, history and shared devices", async () => {
  const { context, page } = await newTab(true);
  for (const prefix of ["", "/en"]) {
    await page.goto(`${server.url}${prefix}/privacy`);
    const privacy = await page.locator("main").textContent();
    assert.doesNotMatch(privacy, /niemand kan zien|nobody can see|staan alleen in het adres|only in the page address/i);
    assert.match(privacy, prefix ? /not in the page address/ : /niet in het adres van de pagina/);
    await page.locator(`main a[href="${prefix}/wis-je-sporen"]`).click();
    await page.waitForURL(`${server.url}${prefix}/wis-je-sporen`);
    const traces = await page.locator("main").textContent();
    for (const words of prefix ? [/private window/, /Ctrl \+ Shift \+ N/, /Clear your history/, /share a phone or computer/,
      /list of calls/] : [/privévenster/, /Ctrl \+ Shift \+ N/, /Wis je geschiedenis/, /Deel je een telefoon of computer/,
      /lijst met gesprekken/]) {
      assert.match(traces, words);
    }
    await axeClean(page, `${prefix}/wis-je-sporen`);
    await shoot(page, `traces${prefix.replace("/", "-")}`);
  }
  assert.equal(await page.locator(`footer a[href="/en/wis-je-sporen"]`).count(), 1, "linked from every page's footer");
  await context.close();
});
