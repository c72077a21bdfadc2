// Issue 10, point 4: the receipt. A copy button with JavaScript; "save as a file" without it (a POST,
// so the code is in no address; text/plain, attachment, no-store); the code never breaks inside a group
// at 320 px; an "I have saved it" step before leaving; what happens next.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startServer } from "../support.mjs";
import path from "node:path";
import { launch, axeClean, shoot, submit, screenshots } from "./helpers.mjs";

let server;
let browser;
const receiptPattern = /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/;

before(async () => {
  server = await startServer("[site]\noperator = ESSM\nanswer_days = 3\n");
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

async function report(page, js, text = "Een buurvrouw werkt elke nacht in een nagelsalon.") {
  await page.goto(server.url + "/melden");
  await page.locator("#what").fill(text);
  await submit(page, page.locator("form.report button[type=submit]"), js);
  const receipt = (await page.locator(".receipt").textContent()).trim();
  assert.match(receipt, receiptPattern);
  return receipt;
}

test("with JavaScript the copy button puts the code on the clipboard and says so", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  const receipt = await report(page, true);
  const copy = page.getByRole("button", { name: "Kopieer de code" });
  assert.equal(await copy.isVisible(), true);
  await copy.click();
  await page.waitForFunction(() => document.getElementById("copy-status").textContent.length > 0);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), receipt);
  assert.match(await page.locator("#copy-status").textContent(), /gekopieerd/);
  await axeClean(page, "receipt page after copying");
  await shoot(page, "receipt");
  await context.close();
});

test("without JavaScript the code can be saved as a file, sent by POST and not kept by the browser", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, javaScriptEnabled: false, acceptDownloads: true });
  const page = await context.newPage();
  const requests = [];
  page.on("request", (request) => requests.push(request));
  const receipt = await report(page, false);
  assert.equal(await page.getByRole("button", { name: "Kopieer de code" }).count(), 0, "no copy button without JavaScript");
  const [download] = await Promise.all([page.waitForEvent("download"),
    page.getByRole("button", { name: "Bewaar als bestand" }).click()]);
  assert.equal(download.suggestedFilename(), "code.txt");
  const text = readFileSync(await download.path(), "utf8");
  assert.ok(text.includes(receipt), "the file holds the code");
  assert.match(text, /https:\/\/meldwijzer\.example\/opvolgen/);
  const fileRequest = requests.find((r) => r.url().endsWith("/melden/code"));
  assert.equal(fileRequest.method(), "POST");
  assert.ok(!fileRequest.url().includes(receipt.slice(0, 5)), "the code is not in the address");
  const response = await fileRequest.response();
  const headers = await response.allHeaders();
  assert.equal(headers["content-type"], "text/plain; charset=utf-8");
  assert.equal(headers["content-disposition"], 'attachment; filename="code.txt"');
  assert.equal(headers["cache-control"], "no-store");
  assert.equal(page.url(), `${server.url}/melden`, "still on the receipt page");
  assert.equal((await page.locator(".receipt").textContent()).trim(), receipt);
  await context.close();
});

test("at 320 px the code breaks between its groups, never inside one", async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await report(page, true);
  const lines = await page.locator(".receipt-group").evaluateAll((groups) => groups.map((g) => g.getClientRects().length));
  assert.deepEqual(lines, [1, 1, 1, 1], "each group on one line");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 320);
  await page.screenshot({ path: path.join(screenshots, "issue10-receipt-320.png") });
  await context.close();
});

test("'I have saved it' comes before leaving: without JavaScript a required tick, with it a question", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const receipt = await report(page, false);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Klaar" }).click()]);
  assert.match(await page.title(), /^Fout: /);
  assert.match(await page.locator("#error-summary").textContent(), /Kruis aan dat je je code hebt bewaard/);
  assert.equal(await page.locator('#error-summary a[href="#saved"]').count(), 1);
  assert.equal(await page.locator("#saved").getAttribute("aria-invalid"), "true");
  assert.equal((await page.locator(".receipt").textContent()).trim(), receipt, "the code is still there");
  await page.locator("#saved").check();
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Klaar" }).click()]);
  assert.equal(await page.locator("h1").textContent(), "Dank je voor je melding");
  assert.ok(!(await page.content()).includes(receipt), "the code is gone from the screen");
  await context.close();

  const withJs = await browser.newContext();
  const tab = await withJs.newPage();
  await report(tab, true);
  await tab.locator("main").click({ position: { x: 1, y: 1 } });
  const questions = [];
  tab.on("dialog", (dialog) => { questions.push(dialog.message()); dialog.dismiss(); });
  await tab.locator("footer a[href='/privacy']").click();
  await tab.waitForTimeout(300);
  assert.equal(questions.length, 1);
  assert.match(questions[0], /Heb je je code bewaard\?/);
  assert.equal(tab.url(), `${server.url}/melden`, "stayed on the receipt");
  await axeClean(tab, "receipt with the question dismissed");
  await tab.locator("#saved").check();
  await Promise.all([tab.waitForURL(`${server.url}/privacy`), tab.locator("footer a[href='/privacy']").click()]);
  assert.equal(questions.length, 1, "no question once the code is marked as saved");
  await withJs.close();
});

test("the receipt says what happens next: answer time, no notice, how to follow up, whether anyone calls", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await report(page, true);
  const text = await page.locator("main").textContent();
  assert.match(text, /Je krijgt meestal binnen drie dagen antwoord\./);
  assert.match(text, /Je krijgt geen bericht als er een antwoord is\./);
  assert.match(text, /Niemand belt of mailt je dus\./);
  assert.match(text, /ga op deze site naar Antwoord op je melding\. Het adres is: https:\/\/meldwijzer\.example\/opvolgen/);
  await page.locator("#saved").check();
  await submit(page, page.getByRole("button", { name: "Klaar" }), true);
  await axeClean(page, "done page");
  await shoot(page, "receipt-done");
  await page.goto(server.url + "/en/melden");
  await page.locator("#what").fill("A cleaner sleeps in the storeroom.");
  await page.locator("#contact_wanted").check();
  await page.locator("#email").fill("someone@example.org");
  await submit(page, page.locator("form.report button[type=submit]"), true);
  assert.match(await page.locator("main").textContent(), /You also gave your contact details/);
  await page.getByRole("button", { name: "Done" }).click();
  await page.waitForSelector("#error-summary");
  assert.equal(await page.evaluate(() => document.activeElement.id), "error-summary");
  await axeClean(page, "receipt with the saved question unanswered");
  await shoot(page, "receipt-not-saved-en");
  await context.close();
});
