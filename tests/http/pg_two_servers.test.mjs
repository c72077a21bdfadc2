// Several servers on one database (issue 12): a report submitted through server A is followed up
// through server B, messages written on either are read on the other, and a form's single-use
// key used on A is used on B too. With MELDWIJZER_TEST_DB=postgresql://... (make check runs this
// file so) also: PostgreSQL restarted between requests costs no request, and while it is away no
// report is acknowledged, /healthz says so, and the servers come back by themselves.
// Without it the same runs on one SQLite file shared by two processes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
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

// The cluster script blocks node's event loop for as long as PostgreSQL takes (seconds under load): a
// kept-alive socket a server closed meanwhile (idle past header_seconds) is seen closed only once the
// loop runs again, and a request sent before that meets it and fails. A moment of loop afterwards.
async function cluster(action) {
  execFileSync(path.join(root, "scripts", "pg-test-cluster"), [action, testDatabase]);
  await sleep(100);
}

// The unix socket the test cluster listens on (pg-test-cluster: host=DIR, the default port).
function clusterSocket() {
  const host = /[?&]host=([^&]*)/.exec(testDatabase);
  assert.ok(host, "the test cluster's URL names its socket folder");
  return path.join(decodeURIComponent(host[1]), ".s.PGSQL.5432");
}

// A "database" that takes connections and never answers (a hung server, a half-cut network): a client
// that connects to it waits until its own timeout.
async function silentDatabase(socketPath) {
  const held = new Set();
  const server = net.createServer((socket) => {
    held.add(socket);
    socket.on("close", () => held.delete(socket));
  });
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));
  return {
    connections: () => connections,
    close: async () => {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(socketPath, { force: true });
    },
  };
}

async function healthOf(server) {
  const started = performance.now();
  const response = await fetch(server.url + "/healthz");
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

test("a report submitted through server A is followed up through server B, and back", async () => {
  const submitted = await submit(a, "Twee servers, een database: ingediend bij A");
  assert.equal(submitted.status, 201);
  const onB = await login(b, submitted.body.receipt);
  const seenOnB = await view(b, onB);
  assert.equal(seenOnB.what, "Twee servers, een database: ingediend bij A");
  assert.equal((await post(b, "/api/v1/followup/messages", { body: "Aanvulling via B" }, onB)).status, 201);
  // the advice point answers with the command line on the same database
  const answer = execFileSync(binary, ["reports", ...a.dbArgs, ...a.keyArgs, "answer", seenOnB.ref],
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
  await cluster("restart");
  const after = await submit(b, "na de herstart");
  assert.equal(after.status, 201, "the server connects again by itself");
  assert.equal((await view(a, await login(a, after.body.receipt))).what, "na de herstart");
  assert.equal((await view(b, await login(b, before.body.receipt))).what, "voor de herstart");
});

test("while PostgreSQL is away nothing is acknowledged, /healthz says so, and both come back",
  { skip: !onPostgres && "PostgreSQL only" }, async () => {
    await cluster("down");
    try {
      const refused = await submit(a, "terwijl de database weg is");
      assert.notEqual(refused.status, 201, "no receipt for a report that is not stored");
      assert.ok(refused.status >= 500);
      assert.match(refused.body.error, /could not be stored/);
      const health = await healthOf(a);
      assert.equal(health.status, 503);
      assert.deepEqual(health.body, { status: "unavailable", storage: "unreachable" });
    } finally {
      await cluster("up");
    }
    // back without a restart of ours or a request: the server tries the database again by itself
    let health;
    for (const started = Date.now(); Date.now() - started < 15000; await sleep(100)) {
      health = await healthOf(a);
      if (health.status === 200) break;
    }
    assert.equal(health.status, 200, "/healthz is healthy again once PostgreSQL is back");
    for (const server of [a, b]) {
      const stored = await submit(server, `terug op ${server.port}`);
      assert.equal(stored.status, 201);
    }
  });

// /healthz runs on the HTTP threads so that it answers while every worker waits on the database: it
// must never wait itself. Before, each /healthz while "unreachable" tried a connection on the HTTP
// thread, and a database that takes connections without answering held it for the connect timeout (5 s).
test("while PostgreSQL takes connections and never answers, /healthz still answers at once",
  { skip: !onPostgres && "PostgreSQL only" }, async () => {
    await cluster("down");
    let silent;
    try {
      const refused = await submit(a, "terwijl de database weg is");
      assert.ok(refused.status >= 500, "the database is away: nothing stored");
      silent = await silentDatabase(clusterSocket());
      for (let i = 0; i < 6; i++) {
        const health = await healthOf(a);
        assert.equal(health.status, 503);
        assert.deepEqual(health.body, { status: "unavailable", storage: "unreachable" });
        assert.ok(health.ms < 1000, `/healthz took ${Math.round(health.ms)} ms while the database hangs`);
        await sleep(300);
      }
      assert.ok(silent.connections() > 0, "the server tried the (hanging) database again by itself");
    } finally {
      if (silent) await silent.close();
      await cluster("up");
    }
    let health;
    for (const started = Date.now(); Date.now() - started < 15000; await sleep(100)) {
      health = await healthOf(a);
      if (health.status === 200) break;
    }
    assert.equal(health.status, 200, "healthy again once PostgreSQL is back");
    assert.equal((await submit(a, "weer terug")).status, 201);
  });
