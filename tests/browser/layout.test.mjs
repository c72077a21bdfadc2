// Issue 10, point 2: on a 375 x 667 phone the answer and its call button are on the first screen, and
// the menu folds behind "Menu" without JavaScript (details/summary); on a wide screen it is a row of links.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer } from "../support.mjs";
import { launch, axeClean, shoot, screenshots, submit } from "./helpers.mjs";

let day;    // Friday 27 November 2026, 21:45: ESSM closes soon
let night;  // Monday 30 November 2026, 07:20: ESSM closed
let browser;
const phone = { width: 375, height: 667 };

before(async () => {
  day = await startServer("fixed_time = 2026-11-27T21:45:00+01:00\n");
  night = await startServer("fixed_time = 2026-11-30T07:20:00+01:00\n");
  browser = await launch();
});
after(async () => { await browser?.close(); await day?.stop(); await night?.stop(); });

const guide = (answers) => "/wegwijzer?" + new URLSearchParams(answers).toString();
const results = {
  "neighbour-sexual": guide({ danger: "no", about: "other", form: "sexual", minor: "no", need: "advice", region: "rotterdam" }),
  "self-labour": guide({ danger: "no", about: "self", form: "labour", minor: "no", need: "advice", region: "rotterdam" }),
  "teacher-minor": guide({ danger: "no", about: "children_work", form: "criminal", minor: "yes", need: "report", region: "rotterdam" }),
  "anonymous-other-region": guide({ danger: "no", about: "other", form: "unknown", minor: "unknown", need: "anonymous", region: "other" }),
  "acute": guide({ danger: "yes", about: "other", form: "unknown", minor: "unknown", need: "unsure", region: "rotterdam" }),
};

async function firstCall(page) {
  // the acute box's 112 button when there is one, else the first channel's call button
  const acute = page.locator("main .acute-box a[href='tel:112']");
  const button = (await acute.count()) ? acute.first() : page.locator(".recommendations a.button[href^='tel:']").first();
  return button.boundingBox();
}

test("the guide's answer and its first call button are on the first screen of a 375 x 667 phone", async () => {
  for (const [when, server] of [["day", day], ["night", night]]) {
    for (const js of [true, false]) {
      const context = await browser.newContext({ viewport: phone, javaScriptEnabled: js });
      const page = await context.newPage();
      for (const [name, address] of Object.entries(results)) {
        for (const prefix of ["", "/en"]) {
          await page.goto(server.url + prefix + address);
          const heading = await page.locator("main h1").boundingBox();
          const call = await firstCall(page);
          assert.ok(heading.y < 250, `${when} ${prefix}${name}: the answer starts at y=${heading.y}`);
          assert.ok(call && call.y + call.height <= phone.height,
            `${when} ${prefix}${name} (js ${js}): the first call button ends at y=${call && call.y + call.height}`);
          if (js && prefix === "" && when === "night") {
            await page.screenshot({ path: path.join(screenshots, `issue10-guide-result-${name}-first-screen-375.png`) });
          }
        }
      }
      await context.close();
    }
  }
});

test("the guide walked by POST on a phone ends with the call button on the first screen", async () => {
  const context = await browser.newContext({ viewport: phone });
  const page = await context.newPage();
  await page.goto(night.url + "/wegwijzer");
  for (const id of ["danger-no", "about-other", "form-sexual", "minor-no", "need-advice", "region-rotterdam"]) {
    await page.locator(`label[for="${id}"]`).click();
    await submit(page, page.locator("form.step button[type=submit]"), true);
  }
  const call = await firstCall(page);
  assert.ok(call.y + call.height <= phone.height, `the call button ends at y=${call.y + call.height}`);
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await axeClean(page, "guide result on a phone");
  await shoot(page, "guide-result-night");
  await context.close();
});

test("the signal result's level and call button are on the first screen of a 375 x 667 phone", async () => {
  const context = await browser.newContext({ viewport: phone });
  const page = await context.newPage();
  for (const address of ["/signalen/uitslag?form=criminal&age=minor&signal=drugs-voor-ander&signal=spijbelen",
    "/signalen/uitslag?form=sexual&age=adult&signal=gedwongen-tot-seks",
    "/en/signalen/uitslag?form=labour&age=adult&signal=papieren-afgepakt&signal=woont-bij-baas"]) {
    await page.goto(night.url + address);
    const call = await page.locator(".verdict a.button").boundingBox();
    assert.ok(call.y + call.height <= phone.height, `${address}: the call button ends at y=${call.y + call.height}`);
  }
  await context.close();
});

test("without JavaScript the menu folds behind 'Menu' on a phone and is a row of links on a wide screen", async () => {
  const context = await browser.newContext({ viewport: phone, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(day.url + "/");
  const menu = page.locator(".menu-small summary");
  assert.equal(await menu.isVisible(), true);
  assert.equal(await page.locator(".menu-wide").isVisible(), false);
  const link = page.locator(".menu-small nav a[href='/melden']");
  assert.equal(await link.isVisible(), false, "folded");
  const header = await page.locator(".site-header").boundingBox();
  assert.ok(header.y + header.height < 130, `the bar and the header end at y=${header.y + header.height}`);
  const h1 = await page.locator("main h1").boundingBox();
  assert.ok(h1.y < 150, `the heading starts at y=${h1.y} (was 426)`);
  await menu.click();
  assert.equal(await link.isVisible(), true, "open");
  const box = await link.boundingBox();
  assert.ok(box.height >= 44, "menu links are 44 px targets");
  await page.screenshot({ path: path.join(screenshots, "issue10-menu-open-375.png") });
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.equal(page.url(), `${day.url}/melden`);
  for (const width of [320, 375]) {
    await page.setViewportSize({ width, height: 667 });
    for (const address of ["/", "/en/", "/en/wegwijzer", "/signalen"]) {
      await page.goto(day.url + address);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= width, `${address} at ${width}`);
      const boxes = await page.evaluate(() => [".site-name", ".lang-switch", ".menu-small summary"].map((s) => {
        const r = document.querySelector(s).getBoundingClientRect();
        return [r.left, r.right, r.top];
      }));
      assert.ok(boxes[0][1] <= boxes[1][0] && boxes[1][1] <= boxes[2][0], `${address} at ${width}: the header row does not overlap`);
      assert.ok(Math.abs(boxes[0][2] - boxes[2][2]) < 30, `${address} at ${width}: one header row`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(day.url + "/");
  assert.equal(await page.locator(".menu-small").isVisible(), false);
  assert.equal(await page.locator(".menu-wide a[href='/melden']").isVisible(), true);
  await context.close();
  // axe needs JavaScript to run: the open menu, checked in a second tab
  const checked = await browser.newContext({ viewport: phone });
  const tab = await checked.newPage();
  for (const address of ["/", "/en/melden"]) {
    await tab.goto(day.url + address);
    await tab.locator(".menu-small summary").click();
    await axeClean(tab, `${address} with the menu open on a phone`);
  }
  await checked.close();
});
