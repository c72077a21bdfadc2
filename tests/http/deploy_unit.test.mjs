// Issue 12, deployment: the systemd unit (deploy/meldwijzer.service). No systemd runs where the tests
// run, so the unit cannot be started here; what can be checked without it is checked:
// - `systemd-analyze verify` takes the unit (its ExecStart pointed at the built program);
// - `systemd-analyze security --offline` gives the exposure recorded in docs/operations.md;
// - the system-call filter: the server is run under strace through everything it does (start, pages, a
//   report and its follow-up, a staff sign-in, the metrics listener, the purge at start, SIGTERM) and
//   every system call it made must be in what the unit's SystemCallFilter= lines allow, expanded with
//   `systemd-analyze syscall-filter`; a call outside it would fail with EPERM in production;
// - the files it opened: nothing that ProtectHome=, PrivateDevices= or ProcSubset=pid take away.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startServer, binary, onPostgres } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const shippedUnit = path.join(root, "deploy", "meldwijzer.service");
let dir;

// A missing tool fails the test, it never skips it.
function requireTool(command, args, packageName) {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) {
    throw new Error(`${command} is not installed (Debian package ${packageName}; scripts/install-deps installs it): ` +
      result.error.message);
  }
}

before(() => {
  requireTool("systemd-analyze", ["--version"], "systemd");
  requireTool("strace", ["-V"], "strace");
  dir = mkdtempSync(path.join(tmpdir(), "meldwijzer-unit-"));
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

// The shipped unit with ExecStart pointed at the built program (verify wants it to exist).
function testedUnit() {
  const unit = readFileSync(shippedUnit, "utf8");
  assert.match(unit, /^ExecStart=\/usr\/local\/bin\/meldwijzer /m);
  const file = path.join(dir, "meldwijzer.service");
  writeFileSync(file, unit.replace(/^ExecStart=\/usr\/local\/bin\/meldwijzer /m, `ExecStart=${path.resolve(binary)} `));
  return file;
}

function analyze(args) {
  // from the folder: `security --offline` looks for units beside the one it is given
  return spawnSync("systemd-analyze", args, { cwd: dir, encoding: "utf8" });
}

test("systemd-analyze verify takes the unit", () => {
  const result = analyze(["verify", "--man=no", testedUnit()]);
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.equal(result.stderr + result.stdout, "", "no warnings");
});

test("systemd-analyze security gives the exposure that docs/operations.md records", () => {
  const result = analyze(["security", "--offline=yes", "--no-pager", testedUnit()]);
  assert.equal(result.status, 0, result.stderr);
  const measured = result.stdout.match(/Overall exposure level for meldwijzer\.service: ([0-9.]+) (\w+)/);
  assert.ok(measured, result.stdout);
  const recorded = readFileSync(path.join(root, "docs", "operations.md"), "utf8")
    .match(/Overall exposure level for meldwijzer\.service: ([0-9.]+) (\w+)/);
  assert.ok(recorded, "docs/operations.md records the overall exposure");
  assert.deepEqual(measured.slice(1), recorded.slice(1), "the recorded output is the unit's");
  assert.ok(Number(measured[1]) <= 2, `exposure ${measured[1]}: keep it low`);
});

// The system calls a group name stands for, nested groups expanded.
function expandGroup(name, seen = new Set()) {
  if (seen.has(name)) return new Set();
  seen.add(name);
  const listing = execFileSync("systemd-analyze", ["syscall-filter", "--no-pager", name], { encoding: "utf8" });
  const calls = new Set();
  for (const line of listing.split("\n").slice(1)) {
    const item = line.trim();
    if (!item || item.startsWith("#")) continue;
    if (item.startsWith("@")) for (const call of expandGroup(item, seen)) calls.add(call);
    else calls.add(item);
  }
  return calls;
}

// What the unit's SystemCallFilter= lines allow: the allow lists' union, less the deny lists (~).
function allowedByUnit() {
  const lines = readFileSync(shippedUnit, "utf8").split("\n")
    .map((line) => line.match(/^SystemCallFilter=(.*)$/)).filter(Boolean).map((match) => match[1].trim());
  assert.ok(lines.length > 0, "the unit has a system-call filter");
  const allowed = new Set();
  const denied = new Set();
  for (const line of lines) {
    const deny = line.startsWith("~");
    for (const item of line.replace(/^~/, "").split(/\s+/).filter(Boolean)) {
      const calls = item.startsWith("@") ? expandGroup(item) : new Set([item]);
      for (const call of calls) (deny ? denied : allowed).add(call);
    }
  }
  assert.ok(allowed.size > 100, "the allow list expanded");
  for (const call of denied) allowed.delete(call);
  return allowed;
}

// Runs the server under strace and uses it the way the site is used; returns the trace's lines.
async function traceServer() {
  const trace = path.join(dir, "strace.txt");
  const previousWrapper = process.env.MELDWIJZER_WRAPPER;
  const previousAsan = process.env.ASAN_OPTIONS;
  process.env.MELDWIJZER_WRAPPER = `strace -f -q -o ${trace}`;
  // under `make SANITIZE=1 check`: LeakSanitizer cannot work under ptrace and would fail the server at
  // exit; the other HTTP tests look for leaks, this one only for system calls
  if (previousAsan !== undefined) process.env.ASAN_OPTIONS = `${previousAsan}:detect_leaks=0`;
  let server;
  try {
    const metricsPort = (Number(process.env.MELDWIJZER_TEST_PORT) || 20000 + (process.pid % 20000)) + 90;
    server = await startServer(`metrics_listen = 127.0.0.1:${metricsPort}\n`);
    for (const page of ["/", "/signalen", "/en/wegwijzer?danger=no", "/static/style.css", "/bestaat-niet", "/healthz", "/team/"]) {
      await (await fetch(server.url + page)).arrayBuffer();
    }
    const html = await (await fetch(server.url + "/melden")).text();
    const form = (fields) => ({ method: "POST", body: new URLSearchParams(fields).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" } });
    const sent = await fetch(server.url + "/melden", form({ csrf: html.match(/name="csrf" value="([0-9a-f]+)"/)[1],
      submission: html.match(/name="submission" value="([0-9a-f]{32})"/)[1], kind: "report", what: "Onder strace" }));
    assert.equal(sent.status, 201);
    const submitted = await fetch(server.url + "/api/v1/reports", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ what: "Onder strace, JSON" }) });
    assert.equal(submitted.status, 201);
    const { receipt } = await submitted.json();
    const login = await fetch(server.url + "/api/v1/followup", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt }) });
    const { token } = await login.json();
    const message = await fetch(server.url + "/api/v1/followup/messages", { method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: JSON.stringify({ body: "Nog iets" }) });
    assert.equal(message.status, 201);
    const team = await (await fetch(server.url + "/team/")).text();
    const signIn = await fetch(server.url + "/team/inloggen", form({ csrf: team.match(/name="csrf" value="([0-9a-f]+)"/)[1],
      name: "niemand", password: "geen wachtwoord", code: "123456" }));
    assert.equal(signIn.status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/ready`)).status, 200);
  } finally {
    if (previousWrapper === undefined) delete process.env.MELDWIJZER_WRAPPER;
    else process.env.MELDWIJZER_WRAPPER = previousWrapper;
    if (previousAsan !== undefined) process.env.ASAN_OPTIONS = previousAsan;
    if (server) await stopTraced(server, trace);
  }
  return readFileSync(trace, "utf8").split("\n");
}

// SIGTERM to strace would make it detach in the middle of the server's calls: the signal goes to the
// server (the trace's first process), strace ends with it, and the trace says how the server ended.
async function stopTraced(server, trace) {
  const pid = Number(readFileSync(trace, "utf8").match(/^(\d+) /)[1]);
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 600; i++) {
    try { process.kill(pid, 0); } catch { break; }
    await sleep(50);
  }
  await sleep(200);
  // strace has ended with the server by now; a strace that a signal ended is not waited for for ever
  await Promise.race([server.stop(), sleep(10000)]);
  assert.ok(new RegExp(`^${pid} +\\+\\+\\+ exited with 0 \\+\\+\\+$`, "m").test(readFileSync(trace, "utf8")),
    `the server ended cleanly: ${server.output()}`);
}

test("every system call the server makes is one the unit's filter allows; no file the sandbox hides is opened", async () => {
  const allowed = allowedByUnit();
  const lines = await traceServer();
  const used = new Set();
  const opened = new Set();
  // SQLite gives a new WAL or journal file to the database's owner with fchown, but only when it runs
  // as root (geteuid() == 0 just before). The unit runs it as its own user, where it makes no such
  // call; here, as root in CI, those calls (and only those) are left out of the comparison.
  const rootEuidJustNow = new Map(); // thread -> its last call was geteuid() returning 0
  const skippedChown = new Set(); // threads whose unfinished fchown was one of SQLite's
  const pendingOpen = new Map();
  let rootChowns = 0;
  for (const line of lines) {
    // a call is on one line, or (interrupted by another thread's) on "NAME(args <unfinished ...>" and
    // a later "<... NAME resumed>rest" line of the same thread
    const call = line.match(/^(\d+)\s+(<\.\.\. )?([a-z_0-9]+)(?:\(| resumed>)/);
    if (!call) continue;
    const [, pid, resumed, name] = call;
    if (name === "fchown" && resumed && skippedChown.delete(pid)) continue;
    if (name === "fchown" && !resumed && /^\d+\s+fchown\(\d+, 0, 0/.test(line) && rootEuidJustNow.get(pid)) {
      rootChowns++;
      if (/<unfinished \.\.\.>$/.test(line)) skippedChown.add(pid);
      continue;
    }
    rootEuidJustNow.set(pid, name === "geteuid" && / = 0$/.test(line));
    used.add(name);
    const open = line.match(/^\d+\s+(?:openat|open|stat|newfstatat|statx|access|faccessat2?)\((?:AT_FDCWD, )?"([^"]+)"/);
    // only what was there and taken: a failed look-up (libpq's ~/.pgpass) costs nothing in the sandbox;
    // a call another thread interrupted ends on a later "resumed" line of the same thread
    if (open && / <unfinished \.\.\.>$/.test(line)) pendingOpen.set(pid, open[1]);
    else if (open && !/ = -1 /.test(line)) opened.add(open[1]);
    if (pendingOpen.has(pid) && / resumed>/.test(line)) {
      if (!/ = -1 /.test(line)) opened.add(pendingOpen.get(pid));
      pendingOpen.delete(pid);
    }
  }
  // the trace saw the server's work (so an empty or broken trace cannot pass): on SQLite the commit's
  // flush, on PostgreSQL the talk with the database
  const expected = ["execve", "accept4", "getrandom", ...(onPostgres ? ["connect", "sendto"] : ["fdatasync"])];
  for (const call of expected) assert.ok(used.has(call), `the trace shows ${call}: ${[...used].join(" ")}`);
  if (process.getuid() !== 0) assert.equal(rootChowns, 0);
  const refused = [...used].filter((call) => !allowed.has(call)).sort();
  assert.deepEqual(refused, [], `calls the unit's SystemCallFilter= would refuse with EPERM: ${refused.join(" ")}`);
  // ProtectHome= (no /home, /root, /run/user), PrivateDevices= (only the pseudo-devices), ProcSubset=pid
  // (/proc holds only processes); the test folder itself lives in /tmp, which PrivateTmp= makes private
  // (the knowledge base and web files are read from the source tree here, wherever it is checked out;
  // installed, they are in PREFIX/share)
  // glibc's malloc reads /proc/sys/vm/overcommit_memory now and then, when it shrinks a thread's heap;
  // hidden by ProcSubset=pid, the read fails and malloc keeps its default (it only decides whether a
  // shrunk heap is remapped without access or given back with MADV_DONTNEED)
  const harmless = new Set(["/proc/sys/vm/overcommit_memory"]);
  const hidden = [...opened].filter((file) => !file.startsWith(`${root}/`) && !harmless.has(file)).filter((file) =>
    /^\/(home|root|run\/user)(\/|$)/.test(file) ||
    (/^\/dev\//.test(file) && !/^\/dev\/(null|zero|full|u?random|tty|pts\/ptmx|shm\/)/.test(file)) ||
    (/^\/proc\//.test(file) && !/^\/proc\/(self|thread-self|\d+)(\/|$)/.test(file)));
  assert.deepEqual(hidden, [], `files the sandbox hides: ${hidden.join(" ")}`);
});
