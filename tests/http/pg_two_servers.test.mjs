// Several servers on one database (issue 12): a report submitted through server A is followed up
// through server B, messages written on either are read on the other, and a form's single-use
// key used on A is used on B too. With MELDWIJZER_TEST_DB=postgresql://... (make check runs this
// file so) also: PostgreSQL restarted between requests costs no request, and while it is away no
// report is acknowledged, /healthz says so, and the servers come back by themselves.
// Without it the same runs on one SQLite file shared by two processes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { startServer, binary, onPostgres, testDatabase } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const limits = "[limits]\nsubmissions_per_hour = 1000\nreceipt_attempts_per_hour = 1000\n";
let a;
let b;

before(async () => {
  a = await startServer(limits);
  b = await startServer(limits, a); // the same database and key file, another process and port
});
after(async () => {
  assert.equal(await b.stop(), 0);
  assert.equal(await a.stop(), 0);
});

function post(server, pathname, body, headers = {}) {
  return fetch(server.url + pathname, { method: "POST", headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body) });
}

async function submit(server, what) {
  const response = await post(server, "/api/v1/reports", { kind: "report", what, forms: ["labour"] });
  return { status: response.status, body: await response.json() };
}

async function login(server, receipt) {
  const response = await post(server, "/api/v1/followup", { receipt });
  assert.equal(response.status, 200, `the receipt opens the report on ${server.url}`);
  return { Authorization: `Bearer ${(await response.json()).token}` };
}

async function view(server, auth) {
  const response = await fetch(server.url + "/api/v1/followup", { headers: auth });
  assert.equal(response.status, 200);
  return response.json();
}

function cluster(action) {
  execFileSync(path.join(root, "scripts", "pg-test-cluster"), [action, testDatabase]);
}

test("a report submitted through server A is followed up through server B, and back", async () => {
  const submitted = await submit(a, "Twee servers, een database: ingediend bij A");
  assert.equal(submitted.status, 201);
  const onB = await login(b, submitted.body.receipt);
  const seenOnB = await view(b, onB);
  assert.equal(seenOnB.what, "Twee servers, een database: ingediend bij A");
  assert.equal((await post(b, "/api/v1/followup/messages", { body: "Aanvulling via B" }, onB)).status, 201);
  // the advice point answers with the command line on the same database
  const answer = execFileSync(binary, ["reports", ...a.dbArgs, "answer", seenOnB.ref],
    { input: `${a.recoveryKey}\nAntwoord van het meldpunt` }).toString();
  assert.match(answer, /Answer stored/);
  const onA = await login(a, submitted.body.receipt);
  const seenOnA = await view(a, onA);
  assert.equal(seenOnA.status, "in_progress");
  assert.deepEqual(seenOnA.messages.map((m) => [m.from, m.body]),
    [["reporter", "Aanvulling via B"], ["advice_point", "Antwoord van het meldpunt"]]);
  // a second message from each side: numbers are taken in turn, none is lost
  assert.equal((await post(a, "/api/v1/followup/messages", { body: "Nog een via A" }, onA)).status, 201);
  assert.equal((await post(b, "/api/v1/followup/messages", { body: "Nog een via B" }, onB)).status, 201);
  assert.deepEqual((await view(b, onB)).messages.map((m) => m.body),
    ["Aanvulling via B", "Antwoord van het meldpunt", "Nog een via A", "Nog een via B"]);
});

test("submissions to both servers at once are all stored, and every receipt opens on the other", async () => {
  const jobs = [];
  for (let i = 0; i < 24; i++) {
    const [to, from] = i % 2 ? [a, b] : [b, a];
    jobs.push(submit(to, `gelijktijdig ${i}`).then((result) => ({ ...result, what: `gelijktijdig ${i}`, from })));
  }
  const results = await Promise.all(jobs);
  for (const { status, body, what, from } of results) {
    assert.equal(status, 201);
    assert.equal((await view(from, await login(from, body.receipt))).what, what);
  }
});

test("PostgreSQL restarted between requests costs no request", { skip: !onPostgres && "PostgreSQL only" }, async () => {
  const before = await submit(a, "voor de herstart");
  assert.equal(before.status, 201);
  await login(b, before.body.receipt); // B has connections to lose too
  cluster("restart");
  const after = await submit(b, "na de herstart");
  assert.equal(after.status, 201, "the server connects again by itself");
  assert.equal((await view(a, await login(a, after.body.receipt))).what, "na de herstart");
  assert.equal((await view(b, await login(b, before.body.receipt))).what, "voor de herstart");
});

test("while PostgreSQL is away nothing is acknowledged, /healthz says so, and both come back",
  { skip: !onPostgres && "PostgreSQL only" }, async () => {
    cluster("down");
    try {
      const refused = await submit(a, "terwijl de database weg is");
      assert.notEqual(refused.status, 201, "no receipt for a report that is not stored");
      assert.ok(refused.status >= 500);
      assert.match(refused.body.error, /could not be stored/);
      const health = await fetch(a.url + "/healthz");
      assert.equal(health.status, 503);
      assert.deepEqual(await health.json(), { status: "unavailable", storage: "unreachable" });
    } finally {
      cluster("up");
    }
    // back without a restart of ours: /healthz tries the database again, and so does the next request
    const health = await fetch(a.url + "/healthz");
    assert.equal(health.status, 200);
    for (const server of [a, b]) {
      const stored = await submit(server, `terug op ${server.port}`);
      assert.equal(stored.status, 201);
    }
  });
