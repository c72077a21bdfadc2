// Shared by the browser tests of issue 10: Debian's Chromium, axe, screenshots, the session history.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const screenshots = path.join(root, "build", "browser", "screenshots");

export async function launch() {
  mkdirSync(screenshots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

export async function axeClean(page, where) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  assert.deepEqual(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], where);
}

// A screenshot of the page as it is now, at 375 and at 1280 px (full page), named issue10-NAME-WIDTH.png.
export async function shoot(page, name) {
  const size = page.viewportSize();
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: path.join(screenshots, `issue10-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

// The back/forward list of a tab (works with JavaScript off too): [{url, title}], and the current index.
export async function sessionHistory(page) {
  const cdp = await page.context().newCDPSession(page);
  const { currentIndex, entries } = await cdp.send("Page.getNavigationHistory");
  await cdp.detach();
  return { currentIndex, entries: entries.map((e) => ({ url: e.url, title: e.title })) };
}

// Sends a form and waits until its answer is shown: a new page without JavaScript, the page put in
// place of the old one (same document) with JavaScript.
export async function submit(page, button, js) {
  if (js) {
    const marker = await page.evaluate(() => { const m = `m${Math.random()}`; document.body.dataset.was = m; return m; });
    await button.click();
    await page.waitForFunction((m) => document.body.dataset.was !== m, marker);
  } else {
    await Promise.all([page.waitForNavigation(), button.click()]);
  }
}
