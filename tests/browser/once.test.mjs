// Issue 10, point 9: Back (or reload) after the receipt never sends the report again. Without JavaScript
// the browser re-posts the form: the page says "al verstuurd", stores nothing and shows no receipt. With
// JavaScript the form was sent in the background, so Back leaves the site and reload opens an empty form.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, binary } from "../support.mjs";
import { launch, axeClean, shoot, submit, sessionHistory } from "./helpers.mjs";

let server;
let browser;
const receiptPattern = /[0-9A-Z]{5}(-[0-9A-Z]{5}){3}/;

before(async () => {
  server = await startServer("[site]\noperator = ESSM\n[limits]\nsubmissions_per_hour = 100\n");
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

function reportCount() {
  return execFileSync(binary, ["reports", ...server.dbArgs, ...server.keyArgs, "list"], { input: `${server.recoveryKey}\n` })
    .toString().trim().split("\n").filter(Boolean).length;
}

async function tab(js) {
  const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 375, height: 667 } });
  await context.route("https://www.google.com/**", (route) => route.fulfill({ status: 200, contentType: "text/html",
    body: "<title>Google</title>neutral" }));
  const page = await context.newPage();
  return { context, page };
}

test("without JavaScript, Back after the quick exit from the receipt sends nothing again", async () => {
  const { context, page } = await tab(false);
  const before = reportCount();
  await page.goto(server.url + "/melden");
  await page.locator("#what").fill("Mijn buurman laat mensen in de schuur slapen.");
  await submit(page, page.locator("form.report button[type=submit]"), false);
  const receipt = (await page.locator(".receipt").textContent()).trim();
  assert.match(receipt, receiptPattern);
  assert.equal(reportCount(), before + 1);
  await Promise.all([page.waitForURL("https://www.google.com/"), page.locator("[data-quick-exit]").click()]);
  await page.goBack(); // the browser sends the form again
  const text = await page.locator("main").textContent();
  assert.match(text, /Deze melding is al verstuurd/);
  assert.doesNotMatch(text, receiptPattern, "the first receipt is not shown again");
  assert.equal(await page.locator(".receipt").count(), 0);
  assert.equal(reportCount(), before + 1, "no second report");
  await shoot(page, "already-sent");
  // reload re-posts too, with the same answer
  await page.reload();
  assert.match(await page.locator("main").textContent(), /Deze melding is al verstuurd/);
  assert.equal(reportCount(), before + 1);
  await context.close();
});

test("without JavaScript, a receipt after an error: Back and forward never store a second report", async () => {
  const { context, page } = await tab(false);
  const before = reportCount();
  await page.goto(server.url + "/en/melden");
  await submit(page, page.locator("form.report button[type=submit]"), false); // empty: an error
  await page.locator("#what").fill("Workers sleep in the warehouse.");
  await submit(page, page.locator("form.report button[type=submit]"), false);
  assert.match(await page.locator(".receipt").textContent(), receiptPattern);
  await page.goBack(); // to the error page: re-posted, still an error, nothing stored
  assert.equal(await page.locator(".receipt").count(), 0);
  await page.goForward(); // to the receipt: re-posted, already sent
  assert.match(await page.locator("main").textContent(), /This report has already been sent/);
  assert.equal(reportCount(), before + 1);
  await context.close();
});

test("with JavaScript, Back after the receipt leaves the site and reload opens an empty form", async () => {
  const { context, page } = await tab(true);
  const before = reportCount();
  await page.goto("about:blank");
  await page.goto(server.url + "/melden");
  await page.locator("#what").fill("Er staan elke nacht busjes bij de loods.");
  await submit(page, page.locator("form.report button[type=submit]"), true);
  assert.match(await page.locator(".receipt").textContent(), receiptPattern);
  assert.deepEqual((await sessionHistory(page)).entries.map((e) => e.url), ["about:blank", `${server.url}/melden`]);
  await page.reload();
  assert.equal(await page.locator(".receipt").count(), 0);
  assert.equal(await page.locator("#what").inputValue(), "", "an empty form");
  await page.goBack();
  assert.equal(page.url(), "about:blank");
  assert.equal(reportCount(), before + 1);
  await context.close();
});

test("the 'al verstuurd' page is axe clean in Dutch and English", async () => {
  const { context, page } = await tab(true);
  for (const prefix of ["", "/en"]) {
    await page.goto(`${server.url}${prefix}/melden`);
    const html = await page.content();
    const fields = {
      csrf: html.match(/name="csrf" value="([0-9a-f]+)"/)[1],
      submission: html.match(/name="submission" value="([0-9a-f]{32})"/)[1],
      what: "Twee keer verstuurd.",
    };
    for (let i = 0; i < 2; i++) {
      await page.evaluate(({ action, values }) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = action;
        form.setAttribute("data-native", "");
        for (const [name, value] of Object.entries(values)) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      }, { action: `${prefix}/melden`, values: fields });
      await page.waitForLoadState();
      await page.waitForSelector("main h1");
    }
    assert.match(await page.locator("h1").textContent(), prefix ? /already been sent/ : /al verstuurd/);
    await axeClean(page, `${prefix} already sent`);
  }
  await context.close();
});
