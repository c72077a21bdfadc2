// Issue 10, point 5: form errors as GOV.UK and the NL Design System show them. An error summary first in
// <main> with a link to each field, the focus on it (JavaScript), "Fout:" in the title, each field
// aria-invalid and described by its own message; contact details typed without "contact me" ticked are
// never dropped silently: the form asks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, binary } from "../support.mjs";
import { launch, axeClean, shoot, submit } from "./helpers.mjs";

let server;
let browser;

before(async () => {
  server = await startServer("[site]\noperator = ESSM\nanswer_days = 3\n");
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

function staff(args) {
  return execFileSync(binary, ["reports", ...server.dbArgs, ...server.keyArgs, ...args], { input: `${server.recoveryKey}\n` }).toString();
}

function newest() {
  const ref = staff(["list"]).trim().split("\n")[0].split(" ")[0];
  return JSON.parse(staff(["show", ref]));
}

async function fieldState(page, id) {
  return page.evaluate((fieldId) => {
    const field = document.getElementById(fieldId);
    const described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
      .map((ref) => document.getElementById(ref)?.textContent || `(missing ${ref})`);
    return { invalid: field.getAttribute("aria-invalid"), described };
  }, id);
}

test("an empty report gets an error summary first, with the focus on it and links to the fields", async () => {
  for (const js of [true, false]) {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, javaScriptEnabled: js });
    const page = await context.newPage();
    await page.goto(server.url + "/melden");
    await submit(page, page.locator("form.report button[type=submit]"), js);
    assert.equal(await page.title(), "Fout: Online melden | meldwijzer");
    const first = await page.evaluate(() => document.querySelector("main").firstElementChild.id);
    assert.equal(first, "error-summary", "the summary is the first thing in <main>");
    const box = await page.locator("#error-summary").boundingBox();
    assert.ok(box.y + 60 < 667, `the summary starts on the first screen (y=${box.y})`);
    const links = await page.locator("#error-summary a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.deepEqual(links, ["#what"]);
    const what = await fieldState(page, "what");
    assert.equal(what.invalid, "true");
    assert.ok(what.described.some((text) => /Schrijf bij 'Wat is er gebeurd\?'/.test(text)), what.described.join(" | "));
    if (js) {
      assert.equal(await page.evaluate(() => document.activeElement.id), "error-summary", "the focus is on the summary");
      await page.locator("#error-summary a").click();
      assert.equal(await page.evaluate(() => document.activeElement.id), "what", "the link moves the focus to the field");
      assert.equal(new URL(page.url()).hash, "", "no history entry for the link");
      await axeClean(page, "report form with an error");
      await shoot(page, "report-error");
    }
    await context.close();
  }
});

test("typed contact details without 'contact me' ticked: the form asks, and each answer is kept", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 } });
  const page = await context.newPage();
  await page.goto(server.url + "/melden");
  await page.locator("#phone").fill("06-xx");
  await submit(page, page.locator("form.report button[type=submit]"), true);
  const links = await page.locator("#error-summary a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(links, ["#what", "#contact_answer-yes"], "in the order of the page");
  assert.match(await page.locator("#error-summary").textContent(), /kruiste niet aan dat je contact wilt/);
  assert.equal(await page.locator("#phone").inputValue(), "06-xx", "what was typed is still there");
  await axeClean(page, "the contact question");
  await shoot(page, "report-contact-question");
  // "yes": the details are checked like any other field
  await page.locator("#what").fill("Er werken 's nachts kinderen in de loods naast ons.");
  await page.locator('label[for="contact_answer-yes"]').click();
  await submit(page, page.locator("form.report button[type=submit]"), true);
  assert.deepEqual(await page.locator("#error-summary a").evaluateAll((as) => as.map((a) => a.getAttribute("href"))), ["#phone"]);
  const phone = await fieldState(page, "phone");
  assert.equal(phone.invalid, "true");
  assert.ok(phone.described.some((text) => /telefoonnummer/.test(text)));
  assert.equal(await page.locator("#contact_wanted").isChecked(), true, "the answer 'yes' ticks the box");
  await page.locator("#phone").fill("06 12345678");
  await submit(page, page.locator("form.report button[type=submit]"), true);
  assert.equal(await page.locator(".receipt").count(), 1);
  assert.equal(newest().contact.phone, "06 12345678", "sent with the contact details");
  await context.close();

  // "no": sent without them, as the person chose
  const second = await browser.newContext({ javaScriptEnabled: false });
  const tab = await second.newPage();
  await tab.goto(server.url + "/en/melden");
  await tab.locator("#what").fill("A boy sleeps in the back of the shop.");
  await tab.locator("#email").fill("me@example.org");
  await submit(tab, tab.locator("form.report button[type=submit]"), false);
  assert.match(await tab.title(), /^Error: /);
  assert.match(await tab.locator("#error-summary").textContent(), /did not tick that you want to be contacted/);
  await tab.locator('label[for="contact_answer-no"]').click();
  await submit(tab, tab.locator("form.report button[type=submit]"), false);
  assert.equal(await tab.locator(".receipt").count(), 1);
  const stored = newest();
  assert.equal(stored.what, "A boy sleeps in the back of the shop.");
  assert.equal(stored.contact, undefined, "no contact details, as chosen");
  await second.close();
});

test("the guide, the signal check and the follow-up show their errors the same way", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cases = [
    ["/wegwijzer", "form.step button[type=submit]", "#danger-yes", "Fout: Wegwijzer | meldwijzer"],
    ["/en/signalen", "form.checklist-start button[type=submit]", "#form-sexual", "Error: Check signals | meldwijzer"],
    ["/opvolgen", "form.followup button[type=submit]", "#receipt", "Fout: Antwoord op je melding | meldwijzer"],
  ];
  for (const [address, button, link, title] of cases) {
    await page.goto(server.url + address);
    await submit(page, page.locator(button), true);
    assert.equal(await page.title(), title, address);
    assert.equal(await page.evaluate(() => document.activeElement.id), "error-summary", address);
    assert.equal(await page.locator(`#error-summary a[href="${link}"]`).count(), 1, address);
    await axeClean(page, `${address} with an error`);
  }
  await context.close();
});
