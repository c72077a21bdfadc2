// The report and follow-up forms in Chromium: keyboard only and without
// JavaScript, axe clean, typed text kept after a validation error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { startServer, binary } from "../support.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
});
after(async () => { await browser?.close(); await server?.stop(); });

async function axeClean(page, where) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  assert.deepEqual(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], where);
}

async function tabTo(page, selector) {
  for (let i = 0; i < 250; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`${selector} cannot be reached with Tab`);
}

test("report, receipt, follow-up and answer with the keyboard alone, axe clean on every step", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const address of ["/melden", "/en/melden", "/opvolgen", "/en/opvolgen"]) {
    await page.goto(server.url + address);
    await axeClean(page, address);
  }
  await page.goto(server.url + "/melden");
  // a validation error shows the form again with everything typed still there
  await tabTo(page, "#who");
  await page.keyboard.type("Een jongen van ongeveer 14");
  await tabTo(page, "#form-criminal");
  await page.keyboard.press("Space");
  await tabTo(page, "form.report button[type=submit]");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.match(await page.locator(".error-summary").textContent(), /Wat is er gebeurd/);
  assert.equal(await page.locator("#who").inputValue(), "Een jongen van ongeveer 14");
  assert.equal(await page.locator("#form-criminal").isChecked(), true);
  await axeClean(page, "form with an error");

  await tabTo(page, "#what");
  await page.keyboard.type("Hij wordt elke nacht opgehaald met een scooter en heeft ineens veel geld.");
  await tabTo(page, "form.report button[type=submit]");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const receipt = (await page.locator(".receipt").textContent()).trim();
  assert.match(receipt, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
  await axeClean(page, "receipt page");

  await page.goto(server.url + "/opvolgen");
  await tabTo(page, "#receipt");
  await page.keyboard.type(receipt);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.match(await page.locator(".report-summary").textContent(), /elke nacht opgehaald/);
  await tabTo(page, "#body");
  await page.keyboard.type("Vanavond was het weer zo.");
  await tabTo(page, "form.followup button[type=submit]");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.match(await page.locator(".messages").textContent(), /Vanavond was het weer zo/);
  await axeClean(page, "follow-up page");

  // the advice point answers; the reporter sees it on the next visit
  const list = execFileSync(binary, ["reports", ...server.dbArgs, ...server.keyArgs, "list"], { input: `${server.recoveryKey}\n` }).toString();
  const ref = list.trim().split("\n")[0].split(" ")[0];
  execFileSync(binary, ["reports", ...server.dbArgs, ...server.keyArgs, "answer", ref], { input: `${server.recoveryKey}\nDank je. Wil je ons bellen?\n` });
  await page.goto(server.url + "/en/opvolgen");
  await page.locator("#receipt").fill(receipt);
  await Promise.all([page.waitForNavigation(), page.locator("form.followup button[type=submit]").click()]);
  assert.match(await page.locator(".messages").textContent(), /Dank je\. Wil je ons bellen\?/);
  assert.match(await page.locator(".report-summary").textContent(), /Being handled/);
  await context.close();
});

test("the report and the follow-up work without JavaScript", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url + "/en/melden");
  await page.locator("#kind-consultation").check();
  await page.locator("#what").fill("A cleaner at our office sleeps in the storeroom.");
  await page.locator("#contact_wanted").check();
  await page.locator("#email").fill("someone@example.org");
  await Promise.all([page.waitForNavigation(), page.locator("form.report button[type=submit]").click()]);
  const receipt = (await page.locator(".receipt").textContent()).trim();
  await page.goto(server.url + "/en/opvolgen");
  await page.locator("#receipt").fill(receipt);
  await Promise.all([page.waitForNavigation(), page.locator("form.followup button[type=submit]").click()]);
  const summary = await page.locator(".report-summary").textContent();
  assert.match(summary, /sleeps in the storeroom/);
  assert.match(summary, /Kind\s*Request for advice/); // the kind in words, as the advice point files it
  assert.doesNotMatch(await page.content(), /someone@example\.org/, "contact details are not shown back");
  await context.close();
});

test("a form from another site, or without its form token, is refused and keeps the text", async () => {
  const response = await fetch(server.url + "/melden", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "what=Test%20zonder%20token" });
  assert.equal(response.status, 403);
  assert.match(await response.text(), /Test zonder token/);
  const page = await (await fetch(server.url + "/melden")).text();
  const token = page.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const crossSite = await fetch(server.url + "/melden", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
    body: `csrf=${token}&what=x` });
  assert.equal(crossSite.status, 403);
  const crossSiteFetch = await fetch(server.url + "/melden", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "null", "Sec-Fetch-Site": "cross-site" },
    body: `csrf=${token}&what=x` });
  assert.equal(crossSiteFetch.status, 403);
  const wrongReceipt = await fetch(server.url + "/opvolgen", { method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: `csrf=${token}&receipt=AAAAA-BBBBB-CCCCC-DDDDD` });
  assert.equal(wrongReceipt.status, 401);
  assert.match(await wrongReceipt.text(), /Met deze code vinden we geen melding/);
});
