// Issue 10, point 8: a shared connection (a shelter, a hostel, a school) that reaches the per-address
// limit gets a page that names whom to call instead (ESSM with its hours and the police's general number,
// from the channel data) and 112 in danger, and keeps what was typed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startServer } from "../support.mjs";
import { launch, axeClean, shoot, submit, root } from "./helpers.mjs";

const channels = JSON.parse(readFileSync(path.join(root, "data", "channels.json"), "utf8")).channels;
const tel = (id) => channels.find((c) => c.id === id).phone.tel;
let server;
let browser;

before(async () => {
  // a limit of one per hour stands in for a busy shared address
  server = await startServer("[limits]\nsubmissions_per_hour = 1\nreceipt_attempts_per_hour = 1\n");
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

async function callsOnPage(page) {
  return page.locator(".call-instead a[href^='tel:']").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
}

test("the report form over the limit names ESSM, the police and 112, and keeps the text", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 } });
  const page = await context.newPage();
  await page.goto(server.url + "/melden");
  await page.locator("#what").fill("Eerste melding vanuit de opvang.");
  await submit(page, page.locator("form.report button[type=submit]"), true);
  assert.equal(await page.locator(".receipt").count(), 1);
  await page.goto(server.url + "/melden");
  await page.locator("#what").fill("Tweede melding vanuit dezelfde opvang.");
  await submit(page, page.locator("form.report button[type=submit]"), true);
  assert.equal(await page.locator(".receipt").count(), 0, "not sent");
  assert.equal(await page.locator("#what").inputValue(), "Tweede melding vanuit dezelfde opvang.", "the text is kept");
  assert.deepEqual(await callsOnPage(page), [tel("essm"), tel("politie"), "tel:112"]);
  const text = await page.locator("main").textContent();
  assert.match(text, /zoals in een opvang/);
  assert.match(text, /elke dag van 08:30 tot 22:00 uur/);
  const call = await page.locator("#error-summary a[href^='tel:']").boundingBox();
  assert.ok(call.y + call.height <= 667, `ESSM's number is on the first screen (y=${call.y})`);
  await axeClean(page, "report form over the limit");
  await shoot(page, "limit-report-form");
  await context.close();
});

test("the follow-up over the limit names the numbers too, in English as well", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (let i = 0; i < 2; i++) {
    await page.goto(server.url + "/en/opvolgen");
    await page.locator("#receipt").fill("AAAAA-BBBBB-CCCCC-DDDDD");
    await submit(page, page.locator("form.followup button[type=submit]"), true);
  }
  assert.match(await page.locator("#error-summary").textContent(), /as in a shelter/);
  assert.deepEqual(await callsOnPage(page), [tel("essm"), tel("politie"), "tel:112"]);
  assert.match(await page.locator(".call-instead").textContent(), /every day from 08:30 to 22:00/);
  await axeClean(page, "follow-up over the limit");
  await shoot(page, "limit-followup-en");
  await context.close();
});
