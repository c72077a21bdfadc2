// Issue 10: every new page state, in Dutch and English, is valid HTML (Nu Html Checker), has no axe
// violations, and is no wider than 320 px. States behind a POST are fetched with the form's own fields.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startServer } from "../support.mjs";
import { launch, axeClean, root } from "./helpers.mjs";

let server;
let loopback;
let browser;
const dir = path.join(root, "build", "browser", "html-issue10");

before(async () => {
  mkdirSync(dir, { recursive: true });
  server = await startServer("fixed_time = 2026-11-30T07:20:00+01:00\n[site]\noperator = ESSM\n" +
    "operator_about = Het meld- en adviespunt van de regio Rotterdam.\noperator_url = https://essm.example/\nanswer_days = 3\n" +
    "[limits]\nsubmissions_per_hour = 5\nreceipt_attempts_per_hour = 1\n");
  loopback = await startServer("public_base_url = http://127.0.0.1:8080\n");
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); await loopback?.stop(); });

async function get(where, address) {
  return (await fetch(where.url + address)).text();
}

async function post(where, address, fields) {
  return (await fetch(where.url + address, { method: "POST", body: new URLSearchParams(fields).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" } })).text();
}

async function formFields(prefix) {
  const html = await get(server, `${prefix}/melden`);
  return { csrf: html.match(/name="csrf" value="([0-9a-f]+)"/)[1], submission: html.match(/name="submission" value="([0-9a-f]{32})"/)[1] };
}

// name -> html, for both languages
async function collectStates() {
  const states = {};
  for (const prefix of ["", "/en"]) {
    const p = prefix ? "en-" : "";
    for (const page of ["/wis-je-sporen", "/colofon", "/toegankelijkheid", "/poster", "/contact", "/"]) {
      states[`${p}${page.replace(/\W+/g, "") || "home"}`] = await get(server, prefix + page);
    }
    states[`${p}poster-refused`] = await get(loopback, `${prefix}/poster`);
    states[`${p}guide-post-step3`] = await post(server, `${prefix}/wegwijzer`, { danger: "no", about: "other" });
    states[`${p}guide-post-error`] = await post(server, `${prefix}/wegwijzer`, { danger: "no", step: "2" });
    states[`${p}guide-post-result`] = await post(server, `${prefix}/wegwijzer`, { danger: "no", about: "self", form: "labour",
      minor: "no", need: "advice", region: "rotterdam" });
    states[`${p}signals-post-list`] = await post(server, `${prefix}/signalen`, { step: "1", form: "sexual", age: "adult" });
    states[`${p}signals-post-result`] = await post(server, `${prefix}/signalen/uitslag`, { form: "sexual", age: "adult",
      signal: "gedwongen-tot-seks" });
    states[`${p}report-errors`] = await post(server, `${prefix}/melden`, { ...(await formFields(prefix)), what: "", phone: "06" });
    states[`${p}report-contact-question`] = await post(server, `${prefix}/melden`, { ...(await formFields(prefix)), what: "x", email: "a@b.nl" });
    const fields = { ...(await formFields(prefix)), what: "Een test voor de geldigheid van de pagina." };
    states[`${p}receipt`] = await post(server, `${prefix}/melden`, fields);
    states[`${p}already-sent`] = await post(server, `${prefix}/melden`, fields);
    states[`${p}receipt-not-saved`] = await post(server, `${prefix}/melden/bewaard`, { code: "ABCDE-FGHJK-MNPQR-STVWX" });
    states[`${p}receipt-done`] = await post(server, `${prefix}/melden/bewaard`, { code: "ABCDE-FGHJK-MNPQR-STVWX", saved: "1" });
    states[`${p}followup-limit`] = await post(server, `${prefix}/opvolgen`, { csrf: fields.csrf, receipt: "AAAAA-BBBBB-CCCCC-DDDDD" });
  }
  // over the submission limit (five per hour here, four used above): the form with whom to call
  let limited = "";
  for (let i = 0; i < 3 && !/Bel in plaats daarvan/.test(limited); i++) {
    limited = await post(server, "/melden", { ...(await formFields("")), what: `Nog een melding ${i}.` });
  }
  states["report-limit"] = limited;
  return states;
}

test("every new page state is valid HTML, axe clean, and no wider than 320 px", async () => {
  const states = await collectStates();
  assert.match(states["report-limit"], /Bel in plaats daarvan/, "the limit was reached");
  assert.match(states["already-sent"], /al verstuurd/);
  assert.match(states["en-already-sent"], /already been sent/);
  assert.match(states["en-receipt"], /class="receipt"/);
  const files = Object.entries(states).map(([name, html]) => {
    const file = path.join(dir, `${name}.html`);
    writeFileSync(file, html);
    return file;
  });
  const jar = path.join(root, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
  let output = "";
  try {
    execFileSync("java", ["-jar", jar, "--errors-only", "--format", "text", ...files], { stdio: "pipe" });
  } catch (error) {
    output = `${error.stdout}${error.stderr}`;
  }
  assert.equal(output, "", output);

  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  for (const [name, html] of Object.entries(states)) {
    // the page as the server sent it, with the site's own style sheet and script
    await page.route(`${server.url}/__state`, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
    await page.goto(`${server.url}/__state`);
    await page.unroute(`${server.url}/__state`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `${name} at 320 px is ${width} px wide`);
    await axeClean(page, name);
  }
  await context.close();
});
