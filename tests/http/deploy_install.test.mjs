// Issue 12, deployment: `make install` puts every file where docs/operations.md says, with the right
// modes, and the installed program finds its knowledge base and web files by itself.
//
// Two installs, each building in a temporary folder (BUILD), so the test neither uses nor disturbs the
// tree's own build: `DESTDIR=<tmp> PREFIX=/usr/local` (what a package build does: the files staged, the
// program pointing at /usr/local), and `PREFIX=<tmp>` (a real install in a folder: the program is started
// from / with no --data, --web, MELDWIJZER_DATA or MELDWIJZER_WEB and must serve the site and /healthz).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
let dir;

// make with a clean environment: no make variables or flags from an outer `make check` (SANITIZE,
// BUILD, a jobserver), and no folders given to the program through its environment.
function cleanEnv() {
  const env = { ...process.env };
  for (const name of ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "BUILD", "SANITIZE", "DESTDIR", "PREFIX",
    "DATADIR", "WEBDIR", "MELDWIJZER_DATA", "MELDWIJZER_WEB", "VALGRIND"]) delete env[name];
  return env;
}

function makeInstall(variables) {
  execFileSync("make", ["--no-print-directory", "-j2", "-C", root, "install", `BUILD=${path.join(dir, "build")}`,
    ...variables], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"], timeout: 170000 });
}

// Every file under `top`, relative, with its mode.
function listing(top) {
  const files = new Map();
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(top, full), statSync(full).mode & 0o777);
    }
  };
  walk(top);
  return files;
}

// What `make install` must put under PREFIX: [installed path, source path or null, mode].
function expectedFiles() {
  const share = "share/meldwijzer";
  const sources = (folder, pattern) => readdirSync(path.join(root, folder)).filter((name) => pattern.test(name))
    .map((name) => [path.join(folder, name), path.join(folder, name)]);
  return [
    ["bin/meldwijzer", null, 0o755],
    ...sources("data", /\.json$/).map(([, source]) => [path.join(share, source), source, 0o644]),
    [`${share}/web/strings.json`, "web/strings.json", 0o644],
    ...sources("web/templates", /\.html$/).map(([, source]) => [path.join(share, source), source, 0o644]),
    ...sources("web/static", /./).map(([, source]) => [path.join(share, source), source, 0o644]),
    ["share/man/man1/meldwijzer.1", "docs/meldwijzer.1", 0o644],
    ["share/doc/meldwijzer/operations.md", "docs/operations.md", 0o644],
    ["share/doc/meldwijzer/security.md", "docs/security.md", 0o644],
    ["share/doc/meldwijzer/examples/meldwijzer.service", null, 0o644],
    ["share/doc/meldwijzer/examples/nginx-meldwijzer.conf", "deploy/nginx-meldwijzer.conf", 0o644],
  ];
}

function checkFiles(prefixDir, prefix) {
  const expected = expectedFiles();
  const found = listing(prefixDir);
  assert.deepEqual([...found.keys()].sort(), expected.map(([file]) => file).sort(), "exactly these files");
  for (const [file, source, mode] of expected) {
    assert.equal(found.get(file), mode, `${file}: mode ${found.get(file).toString(8)}`);
    if (source) assert.ok(readFileSync(path.join(prefixDir, file)).equals(readFileSync(path.join(root, source))), file);
  }
  const unit = readFileSync(path.join(prefixDir, "share/doc/meldwijzer/examples/meldwijzer.service"), "utf8");
  assert.match(unit, new RegExp(`^ExecStart=${prefix}/bin/meldwijzer serve `, "m"), "the unit starts the installed program");
  assert.equal(unit.replaceAll(`${prefix}/`, "/usr/local/"), readFileSync(path.join(root, "deploy/meldwijzer.service"), "utf8"));
  // the defaults the program was built with: the installed folders, not the source tree
  const help = execFileSync(path.join(prefixDir, "bin/meldwijzer"), ["--help"], { env: cleanEnv() }).toString();
  assert.ok(help.includes(`default: $MELDWIJZER_DATA or ${prefix}/share/meldwijzer/data)`), help);
  assert.ok(help.includes(`default: $MELDWIJZER_WEB or ${prefix}/share/meldwijzer/web)`), help);
  assert.ok(!help.includes(root), "nothing of the source tree in the installed program's defaults");
}

// Starts an installed program from / on a fresh database; resolves when it serves.
async function serveInstalled(binary, port, folderArgs) {
  const state = mkdtempSync(path.join(dir, "state-"));
  const database = `sqlite:${path.join(state, "meldwijzer.db")}`;
  execFileSync(binary, [...folderArgs, "init", "--db", database], { cwd: "/", env: cleanEnv(), stdio: "pipe" });
  const config = path.join(state, "server.ini");
  writeFileSync(config, "[server]\npublic_base_url = https://meldwijzer.example\n");
  const child = spawn(binary, [...folderArgs, "serve", "--listen", `127.0.0.1:${port}`, "--config", config, "--db", database],
    { cwd: "/", env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => { output += chunk; });
  child.stderr.on("data", (chunk) => { output += chunk; });
  const started = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 60000);
    child.stdout.on("data", () => { if (output.includes("serving on")) { clearTimeout(timer); resolve(true); } });
    child.on("exit", () => { clearTimeout(timer); resolve(false); });
  });
  if (!started) {
    child.kill("SIGKILL");
    throw new Error(`the installed program did not serve: ${output}`);
  }
  return { url: `http://127.0.0.1:${port}`, child, output: () => output };
}

async function checkServes(binary, port, folderArgs) {
  const server = await serveInstalled(binary, port, folderArgs);
  try {
    const home = await fetch(server.url + "/");
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<html lang="nl"[^]*<main id="main">/);
    const english = await fetch(server.url + "/en/signalen");
    assert.equal(english.status, 200);
    assert.match(await english.text(), /<html lang="en"/);
    const style = await fetch(server.url + "/static/style.css");
    assert.equal(style.status, 200);
    assert.equal(await style.text(), readFileSync(path.join(root, "web/static/style.css"), "utf8"));
    const health = await fetch(server.url + "/healthz");
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok", storage: "ok" });
  } finally {
    server.child.kill("SIGTERM");
    const [code] = await once(server.child, "exit");
    assert.equal(code, 0, server.output());
  }
}

const firstPort = (Number(process.env.MELDWIJZER_TEST_PORT) || 20000 + (process.pid % 20000)) + 80;

before(() => { dir = mkdtempSync(path.join(tmpdir(), "meldwijzer-install-")); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test("make install DESTDIR=... PREFIX=/usr/local stages every file, and the staged program serves with them", async () => {
  const destdir = path.join(dir, "staged");
  makeInstall([`DESTDIR=${destdir}`, "PREFIX=/usr/local"]);
  assert.deepEqual(readdirSync(destdir), ["usr"], "nothing outside PREFIX");
  const prefixDir = path.join(destdir, "usr/local");
  checkFiles(prefixDir, "/usr/local");
  // /usr/local/share/meldwijzer is not there yet (staged only): the staged folders are given
  const share = path.join(prefixDir, "share/meldwijzer");
  await checkServes(path.join(prefixDir, "bin/meldwijzer"), firstPort,
    ["--data", path.join(share, "data"), "--web", path.join(share, "web")]);
});

test("make install PREFIX=<folder>: the installed program finds its knowledge base and web files by itself", async () => {
  const prefix = path.join(dir, "prefix");
  makeInstall([`PREFIX=${prefix}`]);
  checkFiles(prefix, prefix);
  await checkServes(path.join(prefix, "bin/meldwijzer"), firstPort + 1, []);
  // the command line too (it reads the knowledge base and the texts): no folder given
  const contacts = execFileSync(path.join(prefix, "bin/meldwijzer"), ["contacts"], { cwd: "/", env: cleanEnv() }).toString();
  assert.match(contacts, /112/);
});
