// Shared steps for the browser tests of the back office's case work (issue 15): staff accounts made
// as an operator makes them, keyboard-only moves that check the focus can be seen, and a page check
// (axe at 375 and 1280 px, nothing sideways at 320 px, screenshots in build/screenshots/).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { binary } from "../support.mjs";
import { root } from "./helpers.mjs";

export const caseScreenshots = path.join(root, "build", "screenshots");

// `meldwijzer user add` (the operator's way): the activation code it prints.
export function addUser(server, name, roles) {
  const output = execFileSync(binary, ["user", "add", name, ...roles.flatMap((role) => ["--role", role]),
    ...server.dbArgs], { input: `${server.recoveryKey}\n` }).toString();
  return output.match(/^ {4}([0-9A-Z]{4}(?:-[0-9A-Z]{4}){5})$/m)[1];
}

// The code an authenticator app shows `steps` periods from now.
export function totp(secret, steps = 0) {
  const at = Math.floor(Date.now() / 1000) + steps * 30;
  return execFileSync("oathtool", ["--totp", "-b", "-N", `@${at}`, secret]).toString().trim();
}

// An account made with the CLI and activated on /team/activeren (set-up, not under test here; the
// activation itself is tested keyboard-only in team.test.mjs): its TOTP secret.
export async function activeAccount(browser, server, name, roles, password) {
  const code = addUser(server, name, roles);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "/team/activeren");
  await page.fill("#name", name);
  await page.fill("#activation", code);
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  const secret = (await page.locator("#secret-shown").textContent()).replace(/\s+/g, "");
  await page.fill("#password", password);
  await page.fill("#password_again", password);
  await page.fill("#code", totp(secret));
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  assert.match(await page.title(), /Je account is klaar/, `${name} is activated`);
  await context.close();
  return secret;
}

// Presses Tab (or Shift+Tab) until `selector` has the focus, as a keyboard user would. Every element
// the focus passes on the way must show where the focus is (WCAG 2.4.7): the site's outline or ring.
export async function tabTo(page, selector, { back = false, limit = 300 } = {}) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const at = await page.evaluate((s) => {
      const element = document.activeElement;
      if (!element || element === document.body) return { match: false, shown: true };
      const style = getComputedStyle(element);
      const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      const ring = style.boxShadow && style.boxShadow !== "none";
      const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""} "${(element.textContent || "").trim().slice(0, 40)}"`;
      return { match: element.matches(s), shown: Boolean(outline || ring), name };
    }, selector);
    assert.ok(at.shown, `${at.name} shows where the focus is (on the way to ${selector})`);
    if (at.match) return;
  }
  assert.fail(`${back ? "Shift+Tab" : "Tab"} never reached ${selector}`);
}

export async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

// Pages opened without JavaScript (see openPage): their answers are always new pages, and axe, which
// needs scripts in the page, looks at a copy of their HTML instead.
const scriptless = new WeakSet();

// A browser context of its own (a person, a browser) with one page.
export async function openPage(browser, { js = true, width = 1280 } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 800 }, javaScriptEnabled: js });
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  if (!js) scriptless.add(page);
  return page;
}

// Presses `key` and waits for the answer: a new page (a link, a plain form, JavaScript off), or the
// page that site.js puts in place of this one (a form sent in the background, same document).
export async function pressAndWait(page, key = "Enter") {
  if (scriptless.has(page)) {
    await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
    return;
  }
  const marker = await page.evaluate(() => {
    const m = `m${Math.random()}`;
    document.body.dataset.was = m;
    return m;
  });
  await page.keyboard.press(key);
  await page.waitForFunction((m) => document.readyState === "complete" && document.body &&
    document.body.dataset.was !== m, marker, { polling: 100 });
}

// A select, with the keyboard: type-ahead on the option's label, then check it took.
export async function chooseOption(page, selector, label) {
  await tabTo(page, selector);
  await page.keyboard.type(label);
  const chosen = await page.evaluate((s) => {
    const select = document.querySelector(s);
    return select.options[select.selectedIndex].textContent.trim();
  }, selector);
  assert.equal(chosen, label, `${selector}: "${label}" chosen with the keyboard`);
}

async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// A radio button, with the keyboard: Tab into its group, then the arrow keys (which move and choose)
// until `id` is chosen.
export async function chooseRadio(page, name, id) {
  await tabTo(page, `input[type=radio][name="${name}"]`);
  const count = await page.locator(`input[type=radio][name="${name}"]`).count();
  for (let i = 0; i <= count; i++) {
    if (await page.evaluate((x) => document.activeElement.id === x, id)) {
      if (!(await page.locator(`#${id}`).isChecked())) await page.keyboard.press("Space");
      assert.equal(await page.locator(`#${id}`).isChecked(), true, `#${id} chosen with the keyboard`);
      return;
    }
    await page.keyboard.press("ArrowDown");
  }
  assert.fail(`the arrow keys never reached #${id}`);
}

// A checkbox, with the keyboard: Tab to it, Space.
export async function tick(page, selector) {
  await tabTo(page, selector);
  await page.keyboard.press("Space");
  assert.equal(await page.locator(selector).isChecked(), true, `${selector} ticked with Space`);
}

// axe cannot run in a page without JavaScript (Chromium closes the page when it is injected there):
// the same HTML, at the same address, is loaded into a page with scripts on but site.js held back, so
// axe sees what the person without JavaScript sees (the server's own stylesheet included). One such
// context per browser, a page in it per check.
const twinContexts = new WeakMap();

async function twinOf(page) {
  const html = await page.content();
  const url = page.url().split("#")[0];
  const browser = page.context().browser();
  if (!twinContexts.has(browser)) twinContexts.set(browser, await browser.newContext());
  const twin = await twinContexts.get(browser).newPage();
  await twin.route("**/*", (route) => {
    const request = route.request();
    if (request.isNavigationRequest() && request.url() === url) {
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
    }
    if (new URL(request.url()).pathname.endsWith(".js")) return route.abort();
    return route.continue();
  });
  await twin.goto(url);
  return twin;
}

// The page as it is now: axe (WCAG 2.1 A and AA) at 375 and 1280 px, nothing wider than a 320 px
// screen, full-page screenshots cases-NAME-375.png / -1280.png. The viewport is put back after.
export async function checkPage(page, name, { axe = true } = {}) {
  mkdirSync(caseScreenshots, { recursive: true });
  const size = page.viewportSize();
  const twin = axe && scriptless.has(page) ? await twinOf(page) : null;
  try {
    await page.setViewportSize({ width: 320, height: 640 });
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: ${overflow}px wider than a 320 px screen`);
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      if (axe) {
        const target = twin || page;
        if (twin) await twin.setViewportSize({ width, height: 800 });
        assert.deepEqual(await axeViolations(target), [], `axe, ${name} at ${width} px${twin ? " (without JavaScript)" : ""}`);
      }
      await page.screenshot({ path: path.join(caseScreenshots, `cases-${name}-${width}.png`), fullPage: true });
    }
  } finally {
    await twin?.close();
    await page.setViewportSize(size);
  }
}
