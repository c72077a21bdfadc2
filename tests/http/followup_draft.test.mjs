// A message the reporter types on the follow-up page is never lost (the product's rule for bad input):
// when their follow-up login has ended while they wrote (30 minutes, or the request reached another
// server), the login page carries the text along and says so, and after the code the message is in
// the box again, ready to send; after a problem with the message it stays in the box; once stored,
// the box is empty.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../support.mjs";

const form = { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" };
let server;

before(async () => {
  server = await startServer("[limits]\nsubmissions_per_hour = 1000\nreceipt_attempts_per_hour = 1000\n");
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0);
});

async function submit() {
  const response = await fetch(`${server.url}/api/v1/reports`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ kind: "report", what: "Een buurjongen wordt elke nacht opgehaald.", forms: ["criminal"] }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).receipt;
}

async function csrf(path = "/opvolgen") {
  return (await (await fetch(server.url + path)).text()).match(/name="csrf" value="([^"]+)"/)[1];
}

function post(path, fields) {
  return fetch(server.url + path, { method: "POST", headers: form, body: new URLSearchParams(fields) });
}

const box = (html) => html.match(/<textarea id="body" name="body"[^>]*>([^<]*)<\/textarea>/)[1];
const message = "Gisteren stond er weer een auto voor de deur, om drie uur & later nog één.";
const escaped = "Gisteren stond er weer een auto voor de deur, om drie uur &amp; later nog één.";

test("a session that ended while writing: the login keeps the message, and it is in the box after the code", async () => {
  const receipt = await submit();
  const ended = await post("/opvolgen/bericht", { csrf: await csrf(), token: "0".repeat(64), body: message });
  assert.equal(ended.status, 401);
  const login = await ended.text();
  assert.match(login, /Je bericht is niet kwijt/);
  assert.ok(login.includes(`name="draft" value="${escaped}"`), "the text goes along in the login form");
  const opened = await post("/opvolgen", { csrf: await csrf(), receipt, draft: message });
  assert.equal(opened.status, 200);
  const page = await opened.text();
  assert.equal(box(page), escaped);
  // a wrong code keeps it too
  const wrong = await post("/opvolgen", { csrf: await csrf(), receipt: "AAAAA-AAAAA-AAAAA-AAAAA", draft: message });
  assert.equal(wrong.status, 401);
  assert.ok((await wrong.text()).includes(`name="draft" value="${escaped}"`));
});

test("a problem with the message keeps it in the box; a stored message leaves the box empty", async () => {
  const receipt = await submit();
  const opened = await post("/opvolgen", { csrf: await csrf(), receipt });
  const page = await opened.text();
  const token = page.match(/name="token" value="([0-9a-f]+)"/)[1];
  assert.equal(box(page), "");
  const tooLong = await post("/opvolgen/bericht", { csrf: await csrf(), token, body: "x".repeat(5001) });
  assert.equal(tooLong.status, 400);
  assert.equal(box(await tooLong.text()), "x".repeat(5001)); // shortened by the writer, not lost
  const stale = await post("/opvolgen/bericht", { csrf: "not-a-token", token, body: message });
  assert.equal(stale.status, 403);
  assert.ok((await stale.text()).includes(`name="draft" value="${escaped}"`));
  const stored = await post("/opvolgen/bericht", { csrf: await csrf(), token, body: message });
  assert.equal(stored.status, 200);
  const after = await stored.text();
  assert.match(after, /Gisteren stond er weer een auto/); // in the thread
  assert.equal(box(after), "");
});
