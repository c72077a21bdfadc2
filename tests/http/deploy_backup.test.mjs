// Issue 12, deployment: the backup and restore of docs/operations.md, section 6, on the backend this run
// stores in (SQLite, or PostgreSQL when MELDWIJZER_TEST_DB is set: scripts/run-tests runs this file on
// both). A backup is taken with the documented command while the server takes reports; after a restore
// the server finds the reports from before the backup by their receipts, and the one sent after it is
// gone (the restore really went back to the backup).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, chmodSync, rmSync, openSync, closeSync, statSync } from "node:fs";
import path from "node:path";
import { startServer, onPostgres, testDatabase } from "../support.mjs";

let server;
after(async () => { if (server) await server.stop(); });

// A missing tool fails the test, it never skips it.
function requireTool(command, packageName) {
  const result = spawnSync(command, ["--version"], { encoding: "utf8" });
  if (result.error) throw new Error(`${command} is not installed (Debian package ${packageName}; scripts/install-deps installs it)`);
}

async function submit(what) {
  const response = await fetch(server.url + "/api/v1/reports", { method: "POST",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kind: "report", what, forms: ["labour"] }) });
  assert.equal(response.status, 201);
  return (await response.json()).receipt;
}

async function followUp(receipt) {
  const login = await fetch(server.url + "/api/v1/followup", { method: "POST",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt }) });
  if (login.status !== 200) return { status: login.status };
  const { token } = await login.json();
  const view = await fetch(server.url + "/api/v1/followup", { headers: { Authorization: `Bearer ${token}` } });
  return { status: login.status, what: (await view.json()).what };
}

// `command args... > file`, as the guide's shell lines do.
function runInto(file, command, args) {
  const out = openSync(file, "w", 0o600);
  try {
    execFileSync(command, args, { stdio: ["ignore", out, "pipe"] });
  } finally {
    closeSync(out);
  }
}

test(`a backup taken while the server runs is restored, and serves the reports from before it (${onPostgres ? "PostgreSQL" : "SQLite"})`, async () => {
  requireTool(onPostgres ? "pg_dump" : "sqlite3", onPostgres ? "postgresql-client-15" : "sqlite3");
  server = await startServer("[limits]\nsubmissions_per_hour = 100\nreceipt_attempts_per_hour = 100\n");
  const first = await submit("Voor de back-up: de eerste melding");
  const second = await submit("Voor de back-up: de tweede melding");
  const backup = path.join(server.dir, onPostgres ? "backup.dump" : "backup.db");
  let schema;
  if (onPostgres) {
    // the guide dumps the whole database; the test servers share one, each in a schema of its own
    schema = server.database.match(/search_path%3D(\w+)/)[1];
    runInto(backup, "pg_dump", ["--format=custom", "-n", schema, "-d", testDatabase]);
  } else {
    execFileSync("sqlite3", [path.join(server.dir, "meldwijzer.db"), `.backup ${backup}`]);
  }
  assert.ok(statSync(backup).size > 0);
  const later = await submit("Na de back-up");
  assert.equal((await followUp(later)).status, 200);
  assert.equal(await server.stop(), 0);

  let restored = server;
  if (onPostgres) {
    const database = `restored_${schema}`;
    execFileSync("psql", ["-qX", "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE ${database}`, testDatabase]);
    const url = testDatabase.replace(/^(postgres(?:ql)?:\/\/[^/]*\/)[^?]*/, `$1${database}`);
    assert.notEqual(url, testDatabase);
    execFileSync("pg_restore", ["--no-owner", "--exit-on-error", "-d", url], { input: execFileSync("cat", [backup]) });
    restored = { ...server, database: `${url}&options=-csearch_path%3D${schema}` };
  } else {
    // the service stopped: the old -wal and -shm go, the backup takes the database's place, 0600
    const database = path.join(server.dir, "meldwijzer.db");
    rmSync(`${database}-wal`, { force: true });
    rmSync(`${database}-shm`, { force: true });
    copyFileSync(backup, database);
    chmodSync(database, 0o600);
  }
  // the same key file (startServer keeps it in the server's folder)
  server = await startServer("[limits]\nsubmissions_per_hour = 100\nreceipt_attempts_per_hour = 100\n", restored);
  assert.deepEqual(await followUp(first), { status: 200, what: "Voor de back-up: de eerste melding" });
  assert.deepEqual(await followUp(second), { status: 200, what: "Voor de back-up: de tweede melding" });
  assert.equal((await followUp(later)).status, 401, "the report sent after the backup is not in it");
  // and it takes new reports
  assert.equal((await followUp(await submit("Na het terugzetten"))).status, 200);
});
