// Issue 10, point 6: trust. A sender on every page from [site] operator (name, what it is, a link), a
// colophon and an accessibility statement after the Dutch government's model, dates as people read them,
// 112 unlike any channel that may be closed, footer links of at least 44 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, allPages } from "../support.mjs";
import path from "node:path";
import { launch, axeClean, shoot, submit, screenshots } from "./helpers.mjs";

let server;  // with [site]
let plain;   // without
let browser;
const site = "[site]\noperator = Stichting Voorbeeld\n" +
  "operator_about = Een voorbeeldorganisatie die de meldingen van deze site leest.\n" +
  "operator_about_en = An example organisation that reads this site's reports.\n" +
  "operator_url = https://voorbeeld.example/over-ons\nanswer_days = 3\n";

before(async () => {
  server = await startServer(`fixed_time = 2026-11-30T07:20:00+01:00\n${site}`);
  plain = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); await plain?.stop(); });

const newPages = ["/colofon", "/toegankelijkheid", "/wis-je-sporen"];

function footer(html) {
  return html.split('<footer class="site-footer">')[1].split("</footer>")[0];
}

test("every page names its sender in the footer (name, what it is, a link), or says it is not set", async () => {
  for (const address of [...allPages, ...newPages, ...newPages.map((p) => `/en${p}`)]) {
    const html = await (await fetch(server.url + address)).text();
    const foot = footer(html);
    const english = address.startsWith("/en");
    assert.match(foot, english ? /This site is run by Stichting Voorbeeld\./ : /Deze site is van Stichting Voorbeeld\./, address);
    assert.match(foot, english ? /An example organisation/ : /Een voorbeeldorganisatie/, address);
    assert.match(foot, /href="https:\/\/voorbeeld\.example\/over-ons"/, address);
    const unset = footer(await (await fetch(plain.url + address)).text());
    assert.match(unset, english ? /does not say which organisation runs it/ : /niet ingesteld welke organisatie/, address);
  }
});

test("the colophon and the accessibility statement (status, what does not comply yet, contact, date)", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const prefix of ["", "/en"]) {
    await page.goto(`${server.url}${prefix}/`);
    await page.locator(`footer a[href="${prefix}/toegankelijkheid"]`).click();
    await page.waitForURL(`${server.url}${prefix}/toegankelijkheid`);
    const statement = await page.locator("main").textContent();
    for (const part of prefix ? [/Status C: first measures taken/, /What is not right yet/, /WCAG 2\.1, level A and AA/,
      /screen readers/, /Contact Stichting Voorbeeld/, /written on Monday 30 November 2026\./]
      : [/Status C: eerste maatregelen genomen/, /Wat nog niet goed is/, /WCAG 2\.1, niveau A en AA/, /schermlezers/,
        /Contact met Stichting Voorbeeld/, /opgesteld op maandag 30 november 2026\./]) {
      assert.match(statement, part, `${prefix}/toegankelijkheid`);
    }
    assert.match(statement, /https:\/\/meldwijzer\.example/);
    await axeClean(page, `${prefix}/toegankelijkheid`);
    await shoot(page, `accessibility${prefix.replace("/", "-")}`);
    await page.goto(`${server.url}${prefix}/colofon`);
    const colophon = await page.locator("main").textContent();
    assert.match(colophon, /Stichting Voorbeeld/);
    assert.match(colophon, prefix ? /Article 273f/ : /Artikel 273f/);
    assert.match(colophon, /ILO/);
    await axeClean(page, `${prefix}/colofon`);
    await shoot(page, `colophon${prefix.replace("/", "-")}`);
  }
  await page.goto(plain.url + "/toegankelijkheid");
  assert.match(await page.locator("main").textContent(), /Daarom kunnen we hier geen contact noemen/);
  await context.close();
});

test("112 looks like no other channel: red, 'day and night', never a 'maybe closed' badge", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  for (const address of ["/wegwijzer?danger=no&about=other&form=sexual&minor=no&need=advice&region=rotterdam", "/contact"]) {
    await page.goto(server.url + address);
    const cards = await page.locator("li.channel").evaluateAll((items) => items.map((li) => ({
      name: li.querySelector(".channel-name, h2").textContent,
      emergency: li.classList.contains("channel-emergency"),
      border: getComputedStyle(li).borderTopColor,
      button: getComputedStyle(li.querySelector("a.button[href^='tel:']")).backgroundColor,
      state: li.querySelector(".state")?.textContent || "",
    })));
    const emergency = cards.filter((c) => c.emergency);
    assert.equal(emergency.length, 1, address);
    assert.equal(emergency[0].name, "Alarmnummer 112");
    assert.match(await page.locator(".channel-emergency").textContent(), /Dag en nacht bereikbaar/);
    assert.doesNotMatch(emergency[0].state, /Nu open|onbekend/);
    for (const other of cards.filter((c) => !c.emergency)) {
      assert.notEqual(other.border, emergency[0].border, `${address}: ${other.name} is not styled like 112`);
      assert.notEqual(other.button, emergency[0].button, `${address}: ${other.name}'s button is not red`);
    }
    await axeClean(page, address);
  }
  await page.locator(".channel-emergency").screenshot({ path: path.join(screenshots, "issue10-112-card-375.png") });
  await context.close();
});

test("dates are written as people read them on the follow-up page", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "/melden");
  await page.locator("#what").fill("Test voor de datum.");
  await submit(page, page.locator("form.report button[type=submit]"), true);
  const receipt = (await page.locator(".receipt").textContent()).trim();
  await page.goto(server.url + "/opvolgen");
  await page.locator("#receipt").fill(receipt);
  await submit(page, page.locator("form.followup button[type=submit]"), true);
  const day = await page.locator(".report-summary dd").nth(2).textContent();
  assert.match(day, /^(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)( \d{4})?$/);
  assert.doesNotMatch(await page.locator("main").textContent(), /\d{4}-\d{2}-\d{2}/, "no ISO dates");
  await context.close();
});

test("footer links, menu links and the language switch are at least 44 px tall", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(server.url + "/");
    const heights = await page.locator("footer a, .lang-switch, .menu-wide a, .menu-small summary").evaluateAll((links) =>
      links.filter((a) => a.offsetParent !== null).map((a) => [a.textContent.trim(), a.getBoundingClientRect().height]));
    for (const [text, height] of heights) assert.ok(height >= 44, `${text} at ${width}px is ${height}px tall`);
    assert.ok(heights.length >= 7);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.match(await page.locator(".site-header").textContent(), /Een site van Stichting Voorbeeld/);
  await context.close();
});
