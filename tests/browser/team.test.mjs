// The back office in Chromium (issue 14): activate an account made with the CLI, enrol TOTP (the code
// from oathtool, for the key the page shows), sign in and out with the keyboard only and without
// JavaScript; axe finds nothing on any step, and nothing scrolls sideways at 320 px. Then the admin's
// pages (accounts, a new account with a problem, the question before a change, the audit log).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, binary } from "../support.mjs";
import path from "node:path";
import { launch, axeClean, screenshots } from "./helpers.mjs";

let server;
let browser;
const password = "Zeven zwanen zwemmen zacht door de Maas";

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); assert.equal(await server?.stop(), 0); });

function addUser(name, roles) {
  const output = execFileSync(binary, ["user", "add", name, ...roles.flatMap((role) => ["--role", role]), ...server.dbArgs],
    { input: `${server.recoveryKey}\n` }).toString();
  return output.match(/^ {4}([0-9A-Z]{4}(?:-[0-9A-Z]{4}){5})$/m)[1];
}

function totp(secret, steps = 0) {
  const at = Math.floor(Date.now() / 1000) + steps * 30;
  return execFileSync("oathtool", ["--totp", "-b", "-N", `@${at}`, secret]).toString().trim();
}

// Presses Tab until `selector` has the focus (as a keyboard user would), then checks that the focus
// can be seen.
async function tabTo(page, selector) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) {
      const outline = await page.evaluate(() => {
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== "none" && style.outlineWidth !== "0px";
      });
      assert.ok(outline, `${selector} shows where the focus is`);
      return;
    }
  }
  assert.fail(`Tab never reached ${selector}`);
}

async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

async function pressAndWait(page, key) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

// axe runs inside the page, so only where JavaScript is on; the width is checked either way.
async function checkPage(page, where, axe = true) {
  if (axe) await axeClean(page, where);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${where}: ${overflow}px wider than the 320 px screen`);
}

for (const js of [true, false]) {
  test(`activate, enrol TOTP, sign in and out with the keyboard only, at 320 px, JavaScript ${js ? "on (axe on every step)" : "off"}`, async () => {
    const name = js ? "toetsen.bord" : "zonder.js";
    const code = addUser(name, ["caseworker"]);
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled: js });
    const page = await context.newPage();
    const checkStep = (p, where) => checkPage(p, where, js);
    await page.goto(server.url + "/team/activeren");
    await checkStep(page, "activation, step 1");

    // a code that cannot be one: the error summary first, its link leads to the field
    await typeInto(page, "#name", name);
    await typeInto(page, "#activation", "ABC");
    await pressAndWait(page, "Enter");
    assert.equal(await page.locator("main > .error-summary").count(), 1);
    await checkStep(page, "activation, step 1 with a problem");
    assert.equal(await page.inputValue("#name"), name, "the typed name is kept");
    await page.fill("#activation", "");
    await typeInto(page, "#activation", code.toLowerCase());
    await pressAndWait(page, "Enter");

    assert.match(await page.title(), /Wachtwoord kiezen/);
    await checkStep(page, "enrolment");
    assert.equal(await page.locator("svg.qr[role=img]").count(), 1);
    const secret = (await page.locator("#secret-shown").textContent()).replace(/\s+/g, "");
    assert.match(secret, /^[A-Z2-7]{32}$/);
    if (js) {
      // the QR code holds the same key, as an otpauth URI an app takes
      const file = path.join(screenshots, "team-enrol-qr.png");
      await page.locator("svg.qr").screenshot({ path: file });
      const uri = execFileSync("zbarimg", ["--quiet", "--raw", file]).toString().trim();
      assert.match(uri, new RegExp(`^otpauth://totp/meldwijzer:${name.replace(".", "\\.")}\\?secret=${secret}&`));
    }
    await typeInto(page, "#password", "kort");
    await typeInto(page, "#password_again", "kort");
    await typeInto(page, "#code", totp(secret));
    await pressAndWait(page, "Enter");
    assert.equal(await page.locator("main > .error-summary").count(), 1, "a weak password is refused");
    await checkStep(page, "enrolment with a weak password");
    assert.equal((await page.locator("#secret-shown").textContent()).replace(/\s+/g, ""), secret, "the same key");
    await typeInto(page, "#password", password);
    await typeInto(page, "#password_again", password);
    await page.fill("#code", "");
    await typeInto(page, "#code", totp(secret));
    await pressAndWait(page, "Enter");

    assert.match(await page.title(), /Je account is klaar/);
    await checkStep(page, "activated");
    await tabTo(page, "main a.button");
    await pressAndWait(page, "Enter");

    await checkStep(page, "sign-in form");
    await typeInto(page, "#name", name);
    await typeInto(page, "#password", password);
    await typeInto(page, "#code", totp(secret, 1));
    await pressAndWait(page, "Enter");
    assert.equal(new URL(page.url()).pathname, "/team/");
    assert.match(await page.locator("main").textContent(), new RegExp(`Ingelogd als\\s+${name.replace(".", "\\.")}`));
    await checkStep(page, "start page, signed in");
    const cookies = await context.cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0].name, "__Host-team");
    assert.equal(cookies[0].httpOnly, true);
    assert.equal(cookies[0].sameSite, "Strict");

    await tabTo(page, "form.team-logout button");
    await pressAndWait(page, "Enter");
    assert.equal(await page.locator("#password").count(), 1, "signed out: the sign-in form again");
    await checkStep(page, "signed out");
    assert.equal((await context.cookies()).length, 0);
    await context.close();
  });
}

test("the admin's pages pass axe and fit 320 px (with JavaScript)", async () => {
  const checkStep = checkPage;
  const code = addUser("beheer", ["admin"]);
  addUser("analist", ["analyst"]);
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await page.goto(server.url + "/en/team/activate");
  await page.fill("#name", "beheer");
  await page.fill("#activation", code);
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  const secret = (await page.locator("#secret-shown").textContent()).replace(/\s+/g, "");
  await page.fill("#password", password);
  await page.fill("#password_again", password);
  await page.fill("#code", totp(secret));
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  assert.match(await page.title(), /Your account is ready/);
  await page.goto(server.url + "/en/team/");
  await page.fill("#name", "beheer");
  await page.fill("#password", password);
  await page.fill("#code", totp(secret, 1));
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  await checkStep(page, "admin start page");

  await page.click("text=Accounts");
  await page.waitForURL(/\/en\/team\/accounts$/);
  await checkStep(page, "accounts");
  await page.goto(server.url + "/en/team/accounts/new");
  await checkStep(page, "new account");
  await page.fill("#name", "nieuw");
  await page.check("#role-caseworker");
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  assert.match(await page.locator(".error-summary").textContent(), /recovery key/);
  await checkStep(page, "new account refused (content role)");
  await page.uncheck("#role-caseworker");
  await page.check("#role-analyst");
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  assert.match(await page.locator("#activation-code").textContent(), /^[0-9A-Z]{4}(-[0-9A-Z]{4}){5}$/);
  await checkStep(page, "new account's code");

  await page.goto(server.url + "/en/team/accounts");
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Disable analist" }).click()]);
  await checkStep(page, "disable: the question");
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
  assert.match(await page.locator("[role=status]").textContent(), /disabled/);
  await checkStep(page, "accounts after disabling");

  await page.goto(server.url + "/en/team/audit-log");
  await checkStep(page, "audit log");
  await page.goto(server.url + "/en/team/audit-log?from=2026-13-01");
  await checkStep(page, "audit log with a bad filter");
  await context.close();
});
