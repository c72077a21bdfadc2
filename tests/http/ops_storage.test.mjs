// Issue 12: while the database is away the server never answers 201 for a report it cannot keep, and
// says so plainly: 503 with Retry-After, the JSON naming whom to call, the HTML form shown again with
// what was typed and whom to call. On PostgreSQL (make check runs this file so): the test cluster is
// stopped mid-test, as pg_two_servers does. SQLite's failing disk is simulated with the db test hooks
// in tests/unit/test_ops.c (an HTTP test cannot make a real disk fail).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startServer, onPostgres, testDatabase } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
let server;

before(async () => {
  server = await startServer("[limits]\nsubmissions_per_hour = 1000\nreceipt_attempts_per_hour = 1000\n");
});
after(async () => { assert.equal(await server.stop(), 0); });

function cluster(action) {
  execFileSync(path.join(root, "scripts", "pg-test-cluster"), [action, testDatabase]);
}

function submitJson(what) {
  return fetch(server.url + "/api/v1/reports", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ kind: "report", what, forms: ["labour"] }) });
}

async function freshForm() {
  const html = await (await fetch(server.url + "/melden")).text();
  return {
    csrf: html.match(/name="csrf" value="([0-9a-f]+)"/)[1],
    submission: html.match(/name="submission" value="([0-9a-f]{32})"/)[1],
  };
}

function submitForm(fields) {
  return fetch(server.url + "/melden", { method: "POST", body: new URLSearchParams(fields).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" } });
}

async function checkJsonRefusal(response, label) {
  assert.equal(response.status, 503, `${label}: 503, not ${response.status}`);
  const seconds = Number(response.headers.get("retry-after"));
  assert.ok(seconds > 0, `${label}: Retry-After is set`);
  const body = await response.json();
  assert.equal(body.receipt, undefined, `${label}: no receipt`);
  assert.match(body.error, /could not be stored/);
  assert.match(body.error, /010-236 52 56/, `${label}: the message says whom to call`);
}

async function checkFormRefusal(response, typed, label) {
  assert.equal(response.status, 503, `${label}: 503, not ${response.status}`);
  assert.ok(Number(response.headers.get("retry-after")) > 0, `${label}: Retry-After is set`);
  const html = await response.text();
  assert.doesNotMatch(html, /receipt-group/, `${label}: no receipt on the page`);
  assert.match(html, /kon niet worden opgeslagen/, `${label}: the page says the report was not stored`);
  assert.ok(html.includes(typed), `${label}: what was typed is still in the form`);
  assert.match(html, /href="tel:\+31102365256"/, `${label}: whom to call`);
  assert.match(html, /name="what"/, `${label}: the form itself, to send again`);
}

async function waitHealthy() {
  let status = 0;
  for (const started = Date.now(); Date.now() - started < 15000; await sleep(100)) {
    status = (await fetch(server.url + "/healthz")).status;
    if (status === 200) return;
  }
  assert.equal(status, 200, "/healthz is healthy again once PostgreSQL is back");
}

test("while PostgreSQL is away: 503 with Retry-After and whom to call, never a 201; then 201 again",
  { skip: !onPostgres && "PostgreSQL only (SQLite: tests/unit/test_ops.c)" }, async () => {
    const form = await freshForm();
    assert.equal((await submitJson("voor het wegvallen")).status, 201);
    cluster("down");
    try {
      // the first store after the loss finds the connection gone (the state still said "ok"): its
      // failure must read as the database's, a 503, not a 500
      await checkJsonRefusal(await submitJson("terwijl de database weg is"), "first JSON submission");
      // now the storage state says "unreachable": refused before anything is tried
      await checkJsonRefusal(await submitJson("nog een keer"), "JSON submission while unreachable");
      const typed = "Ik zie elke nacht een busje bij de kassen";
      await checkFormRefusal(await submitForm({ ...form, kind: "report", what: typed }), typed, "HTML form");
      // follow-up reads and writes say the same (try again later), not 500
      const login = await fetch(server.url + "/api/v1/followup", { method: "POST",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt: "AAAAA-AAAAA-AAAAA-AAAAA" }) });
      assert.equal(login.status, 503);
      assert.ok(Number(login.headers.get("retry-after")) > 0);
    } finally {
      cluster("up");
    }
    await waitHealthy();
    // the same form (its single-use key was never stored) goes through now
    const typed = "Ik zie elke nacht een busje bij de kassen";
    const stored = await submitForm({ ...form, kind: "report", what: typed });
    assert.equal(stored.status, 201, "the same form is stored once the database is back");
    assert.equal((await submitJson("weer terug")).status, 201);
  });

test("on a healthy server a report is stored (201), with no Retry-After", async () => {
  // on a healthy server the same paths answer 201: the 503 paths are taken only when the storage says so
  const response = await submitJson("gewoon een melding");
  assert.equal(response.status, 201);
  assert.equal(response.headers.get("retry-after"), null);
});
