// Issue 10, point 9 over HTTP: every render of the report form carries a new single-use submission key;
// the same form sent again stores nothing, shows "al verstuurd" and no receipt, also after a restart.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, binary } from "../support.mjs";

let server;
before(async () => { server = await startServer("[limits]\nsubmissions_per_hour = 100\n"); });
after(async () => { await server?.stop(); });

function reportCount(where) {
  return execFileSync(binary, ["reports", ...where.dbArgs, ...where.keyArgs, "list"], { input: `${where.recoveryKey}\n` })
    .toString().trim().split("\n").filter(Boolean).length;
}

async function freshForm(where) {
  const html = await (await fetch(where.url + "/melden")).text();
  return {
    csrf: html.match(/name="csrf" value="([0-9a-f]+)"/)[1],
    submission: html.match(/name="submission" value="([0-9a-f]{32})"/)[1],
  };
}

function send(where, fields) {
  return fetch(where.url + "/melden", { method: "POST", body: new URLSearchParams(fields).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" } });
}

test("each render of the form has its own key", async () => {
  const keys = new Set();
  for (let i = 0; i < 5; i++) keys.add((await freshForm(server)).submission);
  assert.equal(keys.size, 5);
  // a re-rendered form (an error) gets a new key as well
  const form = await freshForm(server);
  const again = await (await send(server, { ...form, what: "" })).text();
  const key = again.match(/name="submission" value="([0-9a-f]{32})"/)[1];
  assert.notEqual(key, form.submission);
});

test("the same form sent twice stores one report and never shows the first receipt again", async () => {
  const before = reportCount(server);
  const fields = { ...(await freshForm(server)), kind: "report", what: "Een meisje wordt elke avond opgehaald." };
  const first = await send(server, fields);
  assert.equal(first.status, 201);
  const receipt = (await first.text()).match(/[0-9A-Z]{5}-<\/span><wbr><span class="receipt-group">[0-9A-Z]{5}/);
  assert.ok(receipt);
  for (let i = 0; i < 3; i++) {
    const again = await send(server, fields);
    assert.equal(again.status, 409);
    const html = await again.text();
    assert.match(html, /Deze melding is al verstuurd/);
    assert.doesNotMatch(html, /class="receipt"/, "no receipt on the page");
    assert.doesNotMatch(html, /receipt-group/);
    assert.match(html, /href="tel:\+31102365256"/, "whom to call when the code was not kept");
  }
  assert.equal(reportCount(server), before + 1, "one report");
  // a new render (a new key) is a new report
  const next = await send(server, { ...fields, ...(await freshForm(server)) });
  assert.equal(next.status, 201);
  assert.equal(reportCount(server), before + 2);
});

test("the key is kept in the database: after a restart the same form is still 'al verstuurd'", async () => {
  const first = await startServer("", null);
  const fields = { ...(await freshForm(first)), kind: "consultation", what: "Vraag over een collega." };
  assert.equal((await send(first, fields)).status, 201);
  assert.equal(await first.stop(), 0);
  const restarted = await startServer("", first);
  const again = await send(restarted, { ...fields, csrf: (await freshForm(restarted)).csrf });
  assert.equal(again.status, 409);
  assert.equal(reportCount(restarted), 1);
  // the database holds a keyed hash, not the key itself
  // (the SQLite files, or a dump of the PostgreSQL schema, where bytea is written in hex)
  const stored = restarted.storedBytes().map((file) => file.bytes.toString("latin1")).join("\n");
  assert.ok(stored.length > 0);
  for (const form of [fields.submission, Buffer.from(fields.submission).toString("hex")]) {
    assert.ok(!stored.includes(form), "the key itself is not stored");
  }
  assert.equal(await restarted.stop(), 0);
});

test("a form without a key (an old page, a hand-made POST) is taken as before", async () => {
  const { csrf } = await freshForm(server);
  const before = reportCount(server);
  for (let i = 0; i < 2; i++) assert.equal((await send(server, { csrf, what: "Zonder sleutel." })).status, 201);
  assert.equal((await send(server, { csrf, what: "Rare sleutel.", submission: "NOT-A-KEY" })).status, 201);
  assert.equal(reportCount(server), before + 3);
});
