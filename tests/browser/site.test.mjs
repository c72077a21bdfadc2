// Browser tests in Debian's Chromium (playwright-core, never a downloaded
// browser) with axe-core, the Nu Html Checker and zbar for the poster's QR codes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { startServer, allPages } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const outputDir = path.join(root, "build", "browser");
let server;
let browser;

before(async () => {
  mkdirSync(path.join(outputDir, "screenshots"), { recursive: true });
  // Wednesday 25 November 2026, 14:00 in Amsterdam: every channel with hours is open
  server = await startServer("fixed_time = 2026-11-25T14:00:00+01:00\n");
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

function fileName(page) {
  return page.replace(/^\//, "").replace(/[^a-z0-9]+/gi, "_") || "home";
}

test("every page in Dutch and English has no axe violations for WCAG 2.1 A and AA", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const foreign = [];
  page.on("request", (request) => { if (!request.url().startsWith(server.url)) foreign.push(request.url()); });
  for (const address of allPages) {
    await page.goto(server.url + address);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    assert.deepEqual(summary, [], address);
  }
  assert.deepEqual(foreign, [], "no page loads anything from another site");
  await context.close();
});

test("nothing overflows at 320 px, and screenshots at 375 and 1280 px are kept", async () => {
  for (const width of [320, 375, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    for (const address of allPages) {
      await page.goto(server.url + address);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= width, `${address} at ${width}px is ${scrollWidth}px wide`);
      if (width !== 320) {
        await page.screenshot({ path: path.join(outputDir, "screenshots", `${fileName(address)}-${width}.png`), fullPage: true });
      }
    }
    await context.close();
  }
});

test("the guide can be completed with the keyboard alone", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "/wegwijzer");
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  // each step: Tab to the first choice, Space selects it, Enter sends the form
  for (let step = 1; step <= 6; step++) {
    await page.locator("main").focus().catch(() => {});
    let focused = "";
    for (let presses = 0; presses < 40 && focused !== "choice"; presses++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => {
        const el = document.activeElement;
        return el && el.closest(".choice") && el.closest("form.step") ? "choice" : "";
      });
    }
    assert.equal(focused, "choice", `step ${step}: a choice can be reached with Tab`);
    await page.keyboard.press("Space");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  }
  // the first choice of step 1 is "yes": acute danger, so 112 leads
  assert.equal(await page.getByRole("heading", { name: "Bel nu 112" }).count(), 1);
  assert.equal(await page.getByRole("heading", { name: "Dit kun je doen" }).count(), 1);
  assert.ok(await page.locator(".recommendations li").count() >= 3);
  assert.equal(await page.locator(".recommendations .channel-name").first().textContent(), "Alarmnummer 112");
  assert.ok(requests.every((url) => url.startsWith(server.url)), "no request leaves the site");
  await context.close();
});

test("the guide and the signal check work with JavaScript disabled", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url + "/en/wegwijzer");
  const answers = ["danger-no", "about-other", "form-labour", "minor-no", "need-advice", "region-rotterdam"];
  for (const id of answers) {
    await page.locator(`label[for="${id}"]`).click();
    await Promise.all([page.waitForNavigation(), page.locator("form.step button[type=submit]").click()]);
  }
  assert.equal(await page.locator("main h1").textContent(), "What you can do");
  assert.equal(new URL(page.url()).search, "", "no answers in the address");
  const first = await page.locator(".recommendations .channel-name").first().textContent();
  assert.equal(first, "ESSM advice and reporting point");
  assert.ok(await page.locator('a[href="tel:08005151"]').count() >= 1, "the labour authority is offered");

  await page.goto(server.url + "/signalen");
  await page.locator('label[for="form-labour"]').click();
  await page.locator('label[for="age-minor"]').click();
  await Promise.all([page.waitForNavigation(), page.locator("form.checklist-start button[type=submit]").click()]);
  await page.locator('label[for="s-lange-dagen"]').click();
  await page.locator('label[for="s-weinig-of-geen-loon"]').click();
  await Promise.all([page.waitForNavigation(), page.locator("form.checklist button[type=submit]").click()]);
  assert.equal(page.url(), server.url + "/signalen/uitslag", "the answers are not in the address");
  assert.match(await page.locator(".verdict-level").textContent(), /Reden om te melden/);

  // quick exit is a plain link without JavaScript
  const exit = page.locator("[data-quick-exit]");
  assert.equal(await exit.getAttribute("href"), "https://www.google.com/");
  await context.close();
});

test("quick exit with JavaScript replaces the page", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await context.route("https://www.google.com/**", (route) => route.fulfill({ status: 200, body: "neutral" }));
  await page.goto(server.url + "/signalen");
  const entriesBefore = await page.evaluate(() => history.length);
  await Promise.all([page.waitForURL("https://www.google.com/"), page.locator("[data-quick-exit]").click()]);
  assert.equal(await page.evaluate(() => history.length), entriesBefore, "the site's page was replaced, not kept in the history");
  await page.goBack().catch(() => {});
  assert.ok(!page.url().startsWith(server.url), "going back does not return to the site");
  await context.close();
});

test("every page is valid HTML (Nu Html Checker)", async () => {
  const dir = path.join(outputDir, "html");
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const address of allPages) {
    const body = await (await fetch(server.url + address)).text();
    const file = path.join(dir, `${fileName(address)}.html`);
    writeFileSync(file, body);
    files.push(file);
  }
  const jar = path.join(root, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
  let output = "";
  try {
    execFileSync("java", ["-jar", jar, "--errors-only", "--format", "text", ...files], { stdio: "pipe" });
  } catch (error) {
    output = `${error.stdout}${error.stderr}`;
  }
  assert.equal(output, "", output);
});

test("the poster prints on one A4 page and its QR codes decode to the configured URLs", async () => {
  for (const [prefix, expected] of [["", "https://meldwijzer.example"], ["/en", "https://meldwijzer.example/en"]]) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
    const page = await context.newPage();
    await page.goto(server.url + prefix + "/poster");
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    writeFileSync(path.join(outputDir, `poster${prefix.replace("/", "-")}.pdf`), pdf);
    const pdfFile = path.join(outputDir, `poster${prefix.replace("/", "-")}.pdf`);
    const info = execFileSync("pdfinfo", [pdfFile]).toString();
    const pageCount = Number((info.match(/^Pages:\s+(\d+)/m) || [])[1]);
    assert.equal(pageCount, 1, `${prefix}/poster prints on ${pageCount} pages`);
    const codes = page.locator("svg.qr");
    assert.equal(await codes.count(), 2);
    const decoded = [];
    for (let i = 0; i < 2; i++) {
      const file = path.join(outputDir, `qr${prefix.replace("/", "-")}-${i}.png`);
      await codes.nth(i).screenshot({ path: file });
      decoded.push(execFileSync("zbarimg", ["--quiet", "--raw", file]).toString().trim());
    }
    assert.deepEqual(decoded, [`${expected}/signalen`, `${expected}/wegwijzer`]);
    await context.close();
  }
});
