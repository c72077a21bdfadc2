// The daily purge job in `serve` (issue 15, retention): a closed case whose destroy day has passed is
// destroyed shortly after the server starts, without anyone asking; the audit log says
// "case_destroyed" by "-" (the job); the server's log gives a count and never the ref; the receipt
// no longer opens anything. And the server stops at once although the job's next run is a day away.
//
// Also: the [cases] settings reach both the database (the due day the schema gives a new report) and
// the team's queue (its "due soon" mark), which before used the defaults whatever was configured.
//
// The case is closed in the past by tests/http/purge_job_close.c (compiled here against the library):
// the coordinator's own case_set_status() call with a moment 13 months ago, so that its destroy day
// (closing + 12 months) has passed.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { randomInt } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, binary, onPostgres } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const servers = [];

after(async () => {
  for (const server of servers) assert.equal(await server.stop(), 0, server.output().slice(-2000));
});

function buildCloser() {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "meldwijzer-purge-")), "purge_job_close");
  const libs = ["jansson", "libmicrohttpd", "libqrencode", "inih", "libsodium", "sqlite3", "libpq", "liboath",
    "pwquality"];
  const flags = execFileSync("pkg-config", ["--cflags", "--libs", ...libs]).toString().trim().split(/\s+/);
  const sanitize = /sanitize/.test(binary) ? ["-fsanitize=address,undefined"] : [];
  execFileSync("cc", ["-std=c11", ...sanitize, "-I", path.join(root, "src"),
    path.join(root, "tests/http/purge_job_close.c"), path.join(path.dirname(binary), "libmeldwijzer.a"),
    ...flags, "-lpthread", "-o", out]);
  return out;
}

function sql(server, query) {
  const output = onPostgres
    ? execFileSync("psql", ["-qAtX", "-c", query, server.database]).toString()
    : execFileSync("sqlite3", [server.database.replace(/^sqlite:/, ""), query]).toString();
  return output.trim().split("\n").filter(Boolean);
}

async function followUpLogin(server, receipt) {
  return fetch(`${server.url}/api/v1/followup`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt }),
  });
}

test("a closed case past its destroy day is destroyed by the job at start, audited by \"-\"", async () => {
  const closer = buildCloser();
  const first = await startServer();
  servers.push(first);
  const submit = async (what) => {
    const response = await fetch(`${first.url}/api/v1/reports`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "report", what, forms: ["labour"] }),
    });
    assert.equal(response.status, 201);
    const { receipt } = await response.json();
    const login = await followUpLogin(first, receipt);
    assert.equal(login.status, 200);
    const { token } = await login.json();
    const read = await fetch(`${first.url}/api/v1/followup`, { headers: { Authorization: `Bearer ${token}` } });
    return { receipt, ref: (await read.json()).ref };
  };
  const old = await submit("Een zaak van vorig jaar, al lang afgesloten.");
  const recent = await submit("Een zaak die pas is afgesloten.");
  assert.equal(await first.stop(), 0);

  const keyPath = onPostgres ? path.join(first.dir, "server.key") : `${first.database.replace(/^sqlite:/, "")}.key`;
  const now = Math.floor(Date.now() / 1000);
  const thirteenMonthsAgo = now - 396 * 86400;
  execFileSync(closer, [first.database, keyPath, path.join(root, "data"), old.ref, String(thirteenMonthsAgo)]);
  execFileSync(closer, [first.database, keyPath, path.join(root, "data"), recent.ref, String(now - 86400)]);
  assert.deepEqual(sql(first, `SELECT status FROM cases WHERE ref = '${old.ref}'`), ["closed"]);

  // the same database again: the job runs at start
  const second = await startServer("", first);
  servers.push(second);
  let destroyed = [];
  for (let i = 0; i < 600 && destroyed.length === 0; i++) { // up to a minute (valgrind is slow)
    destroyed = sql(second, `SELECT account FROM audit_log WHERE object = '${old.ref}' AND action = 'case_destroyed'`);
    if (destroyed.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(destroyed, ["-"], "the job destroyed the old case and wrote it to the audit log as \"-\"");
  assert.deepEqual(sql(second, `SELECT count(*) FROM reports WHERE ref = '${old.ref}'`), ["0"]);
  assert.deepEqual(sql(second, `SELECT count(*) FROM cases WHERE ref = '${old.ref}'`), ["0"]);
  assert.equal((await followUpLogin(second, old.receipt)).status, 401, "its receipt opens nothing any more");
  // the case closed yesterday stays until its own destroy day
  assert.deepEqual(sql(second, `SELECT status FROM cases WHERE ref = '${recent.ref}'`), ["closed"]);
  assert.equal((await followUpLogin(second, recent.receipt)).status, 200);
  // the log has the count, never a ref
  assert.match(second.output(), /meldwijzer: purge: 1 closed case destroyed/);
  assert.ok(!second.output().includes(old.ref) && !second.output().includes(recent.ref));
  // the next run is a day away: stopping does not wait for it
  const stopping = Date.now();
  assert.equal(await second.stop(), 0);
  // (valgrind's leak check at exit takes its own time)
  const allowed = process.env.MELDWIJZER_WRAPPER ? 60000 : 5000;
  assert.ok(Date.now() - stopping < allowed, "the server stops without waiting for the job");
});

// A signed-in coordinator, as tests/http/cases.test.mjs makes one: `user add`, activation by
// tests/http/cases_account.c (the library's staff_activate), the site's own login form with oathtool.
async function signInCoordinator(server, name) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "meldwijzer-purge-")), "cases_account");
  const libs = ["jansson", "libmicrohttpd", "libqrencode", "inih", "libsodium", "sqlite3", "libpq", "liboath",
    "pwquality"];
  const flags = execFileSync("pkg-config", ["--cflags", "--libs", ...libs]).toString().trim().split(/\s+/);
  const sanitize = /sanitize/.test(binary) ? ["-fsanitize=address,undefined"] : [];
  execFileSync("cc", ["-std=c11", ...sanitize, "-I", path.join(root, "src"), path.join(root, "tests/http/cases_account.c"),
    path.join(path.dirname(binary), "libmeldwijzer.a"), ...flags, "-lpthread", "-o", out]);
  const made = execFileSync(binary, ["user", "add", name, "--role", "coordinator", "--db", server.database],
    { input: `${server.recoveryKey}\n` }).toString();
  const code = made.match(/^ {4}(\S+)$/m)[1];
  const secret = Array.from({ length: 32 }, () => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[randomInt(32)]).join("");
  const password = "Regen valt zacht op Katendrecht";
  execFileSync(out, [server.database, name, code, password, secret]);
  const loginPage = await (await fetch(`${server.url}/team/`)).text();
  const csrf = loginPage.match(/name="csrf" value="([^"]+)"/)[1];
  const totp = execFileSync("oathtool", ["--totp", "-b", secret]).toString().trim();
  const response = await fetch(`${server.url}/team/inloggen`, {
    method: "POST", redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ csrf, name, password, code: totp }),
  });
  assert.equal(response.status, 303, "the coordinator signs in");
  return response.headers.get("set-cookie").split(";")[0];
}

test("[cases] answer_days reaches the database's due day and the queue's \"due soon\" mark", async () => {
  // one day to answer: a report from today is due tomorrow, within the 2 days of "due soon"
  // (with the default 7 days it would carry no mark)
  const server = await startServer("[cases]\nanswer_days = 1\n");
  servers.push(server);
  const response = await fetch(`${server.url}/api/v1/reports`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ kind: "report", what: "Een melding met een krappe termijn.", forms: ["labour"] }),
  });
  assert.equal(response.status, 201);
  const [row] = sql(server, "SELECT created_day || ' ' || due_day FROM cases");
  const [created, due] = row.split(" ");
  const tomorrow = new Date(Date.parse(`${created}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  assert.equal(due, tomorrow, "the schema dates the first answer one day after receipt");

  const cookie = await signInCoordinator(server, "coco");
  const queue = await fetch(`${server.url}/team/zaken`, { headers: { Cookie: cookie } });
  assert.equal(queue.status, 200);
  const html = await queue.text();
  assert.match(html, /<p class="case-mark case-mark-due-soon"><strong>Bijna te laat<\/strong> Het eerste antwoord moet uiterlijk /);
});
