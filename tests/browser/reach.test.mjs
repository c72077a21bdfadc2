// Issue 10, point 3: online reporting is reachable from the home page, the guide result, the signal
// result and the contact page, where it fits: not in acute danger, not outside the region; at night
// (ESSM closed) it says that writing now is the way not to wait.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../support.mjs";
import path from "node:path";
import { launch, axeClean, shoot, submit, screenshots } from "./helpers.mjs";

let night;  // Monday 30 November 2026, 07:20: ESSM closed
let day;    // Wednesday 25 November 2026, 14:00: ESSM open
let browser;

before(async () => {
  night = await startServer("fixed_time = 2026-11-30T07:20:00+01:00\n");
  day = await startServer("fixed_time = 2026-11-25T14:00:00+01:00\n");
  browser = await launch();
});
after(async () => { await browser?.close(); await night?.stop(); await day?.stop(); });

const guide = (answers) => "/wegwijzer?" + new URLSearchParams(answers).toString();
const base = { danger: "no", about: "other", form: "sexual", minor: "no", need: "advice", region: "rotterdam" };

async function mainHtml(server, address) {
  const html = await (await fetch(server.url + address)).text();
  return html.split('<main id="main">')[1].split("</main>")[0];
}

test("the home page, the contact page and the result pages link to online reporting", async () => {
  for (const prefix of ["", "/en"]) {
    for (const address of ["/", "/contact", guide(base), "/signalen/uitslag?form=labour&age=adult&signal=lange-dagen"]) {
      const main = await mainHtml(day, prefix + address);
      assert.match(main, new RegExp(`href="${prefix}/melden"`), `${prefix}${address}`);
    }
  }
  const self = await mainHtml(day, guide({ ...base, about: "self" }));
  assert.match(self, /vertellen wat er met je gebeurt/, "someone asking about themselves is spoken to");
  assert.match(await mainHtml(day, guide(base)), /Een online melding wordt niet meteen gelezen\. Bij acuut gevaar bel je 112\./);
});

test("online reporting is not offered where it does not fit: acute danger, another region", async () => {
  for (const answers of [{ ...base, danger: "yes" }, { ...base, region: "other" }]) {
    const main = await mainHtml(day, guide(answers));
    assert.doesNotMatch(main, /href="\/melden"/, JSON.stringify(answers));
  }
});

test("at night, with ESSM closed, the box says that writing now is the way not to wait", async () => {
  assert.match(await mainHtml(night, guide(base)), /ESSM is nu gesloten\. Wil je niet wachten\? Schrijf dan nu online op wat je weet\./);
  assert.match(await mainHtml(night, "/en/signalen/uitslag?form=labour&age=adult&signal=lange-dagen"), /ESSM is closed now/);
  assert.doesNotMatch(await mainHtml(day, guide(base)), /ESSM is nu gesloten/);
});

test("from the guide's answer to the report form in the browser, axe clean on the way", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 } });
  const page = await context.newPage();
  await page.goto(night.url + "/wegwijzer");
  for (const id of Object.entries(base).map(([k, v]) => `${k === "form" ? "form" : k}-${v}`)) {
    await page.locator(`label[for="${id}"]`).click();
    await submit(page, page.locator("form.step button[type=submit]"), true);
  }
  const box = page.locator(".report-online");
  assert.equal(await box.count(), 1);
  await axeClean(page, "guide result with the way to online reporting");
  await box.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshots, "issue10-report-online-box-375.png") });
  await Promise.all([page.waitForURL(night.url + "/melden"), box.getByRole("link", { name: "Online melden" }).click()]);
  assert.equal(await page.locator("main h1").textContent(), "Online melden");
  for (const address of ["/", "/contact", "/en/"]) {
    await page.goto(night.url + address);
    await axeClean(page, address);
    await shoot(page, `reach-${address.replace(/^\/|\/$/g, "").replace(/\//g, "-") || "home"}`);
  }
  await context.close();
});
