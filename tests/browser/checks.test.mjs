// The page states of issue 8 in Debian's Chromium: axe (WCAG 2.1 A and AA) on
// every new state in Dutch and English, nothing wider than 320 px, valid HTML,
// the two-step signal check without JavaScript, the report form stopping for
// acute danger, and screenshots at 375 and 1280 px with the level and its call
// button within the first screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { startServer } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const outputDir = path.join(root, "build", "browser");
let server;
let browser;

// Friday 27 November 2026, 21:45 in Amsterdam: ESSM closes in 15 minutes ("closes soon").
const config = "fixed_time = 2026-11-27T21:45:00+01:00\n[site]\noperator = meldwijzer demo\n" +
  "operator_about = Dit is een demonstratie. Niemand leest de meldingen die hier binnenkomen.\n" +
  "operator_about_en = This is a demonstration. Nobody reads the reports sent here.\nanswer_days = 5\n";

// Named page states (name -> address); each also runs under /en.
const states = {
  "guide-danger": "/wegwijzer",
  "guide-about": "/wegwijzer?danger=no",
  "guide-forms-self": "/wegwijzer?danger=no&about=self",
  "guide-age-self": "/wegwijzer?danger=no&about=self&form=labour",
  "guide-need-self": "/wegwijzer?danger=no&about=self&form=labour&minor=no",
  "guide-error": "/wegwijzer?danger=no&step=2",
  "guide-result-self": "/wegwijzer?danger=no&about=self&form=labour&minor=no&need=advice&region=rotterdam",
  "guide-result-children-work": "/wegwijzer?danger=no&about=children_work&form=criminal&minor=yes&need=report&region=rotterdam",
  "guide-result-age-unknown": "/wegwijzer?danger=no&about=other&form=sexual&minor=unknown&need=advice&region=rotterdam",
  "guide-result-acute": "/wegwijzer?danger=yes&about=other&form=unknown&minor=unknown&need=unsure&region=rotterdam",
  "check-start": "/signalen",
  "check-start-error": "/signalen?step=1&form=labour",
  "check-list-labour-adult": "/signalen?form=labour&age=adult",
  "check-list-unknown": "/signalen?form=unknown&age=unknown",
  "result-report-minor": "/signalen/uitslag?form=criminal&age=minor&signal=drugs-voor-ander&signal=spijbelen",
  "result-labour-adult": "/signalen/uitslag?form=labour&age=adult&signal=papieren-afgepakt&signal=woont-bij-baas&signal=lange-dagen",
  "result-shared-only": "/signalen/uitslag?form=unknown&age=unknown&signal=mishandeld",
  "result-sexual-provisional": "/signalen/uitslag?form=sexual&age=adult&signal=gedwongen-tot-seks",
  "result-none": "/signalen/uitslag?form=labour&age=adult",
  "definition": "/mensenhandel",
  "privacy": "/privacy",
  "contact": "/contact",
  "report-form": "/melden",
  "poster": "/poster",
};
const addresses = Object.entries(states).flatMap(([name, address]) =>
  [[name, address], [`en-${name}`, `/en${address}`]]);

before(async () => {
  mkdirSync(path.join(outputDir, "screenshots"), { recursive: true });
  server = await startServer(config);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function axeClean(page, where) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  assert.deepEqual(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], where);
}

test("every new page state in Dutch and English has no axe violations", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const foreign = [];
  page.on("request", (request) => { if (!request.url().startsWith(server.url)) foreign.push(request.url()); });
  for (const [, address] of addresses) {
    await page.goto(server.url + address);
    await axeClean(page, address);
  }
  assert.deepEqual(foreign, [], "no page loads anything from another site");
  await context.close();
});

test("the acute-danger stop on the report form is axe clean and keeps what was typed", async () => {
  for (const prefix of ["", "/en"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}${prefix}/melden`);
    await page.locator("#danger").check();
    await page.locator("#what").fill("Een man wordt nu in een busje geduwd.");
    await Promise.all([page.waitForNavigation(), page.locator("form.report button[type=submit]").click()]);
    const alert = page.locator(".acute-box[role=alert]");
    assert.equal(await alert.count(), 1);
    assert.equal(await alert.locator('a[href="tel:112"]').count(), 1);
    assert.equal(await page.locator("#what").inputValue(), "Een man wordt nu in een busje geduwd.");
    assert.equal(await page.locator(".receipt").count(), 0, "nothing was sent");
    const alertBox = await alert.boundingBox();
    const formBox = await page.locator("form.report").boundingBox();
    assert.ok(alertBox.y < formBox.y, "112 comes before the form");
    await axeClean(page, `${prefix}/melden with acute danger`);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: path.join(outputDir, "screenshots", `report-acute-stop${prefix.replace("/", "-")}-375.png`) });
    await context.close();
  }
});

test("nothing is wider than 320 px, and every state is valid HTML", async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
  const page = await context.newPage();
  const dir = path.join(outputDir, "html-issue8");
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const [name, address] of addresses) {
    await page.goto(server.url + address);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 320, `${address} at 320px is ${scrollWidth}px wide`);
    const file = path.join(dir, `${name}.html`);
    writeFileSync(file, await page.content());
    files.push(file);
  }
  await context.close();
  const jar = path.join(root, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
  let output = "";
  try {
    execFileSync("java", ["-jar", jar, "--errors-only", "--format", "text", ...files], { stdio: "pipe" });
  } catch (error) {
    output = `${error.stdout}${error.stderr}`;
  }
  assert.equal(output, "", output);
});

test("the two-step signal check works without JavaScript, with the keyboard", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url + "/signalen");
  assert.equal(await page.locator('input[name="signal"]').count(), 0, "step 1 asks forms and age, no signals yet");
  // sending step 1 without an age asks again and keeps the form chosen
  await page.locator("#form-criminal").focus();
  await page.keyboard.press("Space");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.match(await page.locator(".error-summary").textContent(), /Kies of de persoon jonger is dan 18/);
  assert.equal(await page.locator("#form-criminal").isChecked(), true);
  await page.locator("#age-minor").focus();
  await page.keyboard.press("Space");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  // step 2: one list, each signal once
  const ids = await page.locator('input[name="signal"]').evaluateAll((inputs) => inputs.map((i) => i.value));
  assert.ok(ids.length > 10);
  assert.equal(new Set(ids).size, ids.length, "each signal once");
  assert.ok(ids.includes("drugs-voor-ander"));
  await page.locator("#s-drugs-voor-ander").focus();
  await page.keyboard.press("Space");
  await page.locator("#s-spijbelen").focus();
  await page.keyboard.press("Space");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.equal(page.url(), server.url + "/signalen/uitslag", "the answers are sent by POST, not in the address");
  assert.equal(await page.locator(".verdict-level").textContent(), "Reden om te melden.");
  assert.equal(await page.locator("ul.chosen li").count(), 2);
  assert.equal(await page.getByRole("heading", { name: "Je koos deze signalen" }).count(), 1);
  // back to the list with everything kept
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Signalen aanpassen" }).click()]);
  assert.equal(await page.locator("#s-drugs-voor-ander").isChecked(), true);
  // change the answers of step 1: the ticked signals stay
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Wijzig je keuze" }).click()]);
  await page.locator("#form-labour").check();
  await Promise.all([page.waitForNavigation(), page.locator("form.checklist-start button[type=submit]").click()]);
  assert.equal(await page.locator("#s-drugs-voor-ander").isChecked(), true);
  assert.equal(await page.locator("#s-lange-dagen").count(), 1, "labour signals are now in the list");
  await context.close();
});

test("screenshots at 375 and 1280 px; the level and its call button are on the first screen", async () => {
  const leading = ["result-report-minor", "result-labour-adult", "result-shared-only", "result-sexual-provisional"];
  for (const [width, height] of [[375, 800], [1280, 800]]) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    for (const [name, address] of addresses) {
      await page.goto(server.url + address);
      await page.screenshot({ path: path.join(outputDir, "screenshots", `issue8-${name}-${width}.png`), fullPage: true });
      const bare = name.replace(/^en-/, "");
      if (leading.includes(bare)) {
        const level = await page.locator(".verdict-level").boundingBox();
        const call = await page.locator(".verdict a.button").boundingBox();
        assert.ok(level && level.y + level.height <= height, `${address} at ${width}px: the level at y=${level?.y}`);
        assert.ok(call && call.y + call.height <= height, `${address} at ${width}px: the call button at y=${call?.y}`);
        await page.screenshot({ path: path.join(outputDir, "screenshots", `issue8-${name}-${width}-first-screen.png`) });
      }
    }
    await context.close();
  }
});
