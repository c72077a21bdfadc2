// Issue 12, deployment: the shipped nginx site (deploy/nginx-meldwijzer.conf) in front of a real server,
// over TLS with a throwaway certificate. nginx runs unprivileged (as `nobody` when the tests run as
// root) with its prefix, logs and temporary files in a temporary folder; its configuration is the
// shipped site with only the machine-specific lines changed (ports, certificate paths, log folder), each
// of which must be found, so the file that is tested is the file that is shipped. Around it sit the
// http-level settings of Debian's own /etc/nginx/nginx.conf (among them `ssl_protocols TLSv1 TLSv1.1 ...`
// and `gzip on`): the site has to keep its promises on a stock Debian nginx.
//
// Checked: the public pages, a report and its follow-up with the receipt (form and JSON), the staff
// sign-in page, HTTP/2; HSTS; TLS 1.2/1.3 accepted and 1.0/1.1 refused by nginx (the client is first
// shown to speak them); a body one byte over the server's cap refused by nginx and one at the cap taken
// by the server; no client address, user agent, referrer, query, receipt or report text in nginx's logs;
// the server takes each client from the proxy's X-Forwarded-For (its own rate-limit count), and a
// forged header changes nothing; nginx keeps the server's cap of 16 connections per address and its
// 10 s for a request's header.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, chownSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import https from "node:https";
import http from "node:http";
import http2 from "node:http2";
import tls from "node:tls";
import { setTimeout as sleep } from "node:timers/promises";
import { startServer, pages } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const shippedSite = path.join(root, "deploy", "nginx-meldwijzer.conf");
const host = "meldwijzer.example";
const agent = "deploy-tls-agent-5f0e";
const referrer = "https://referrer-7c1d.example/";
const narrative = "Op de kwekerij aan de Zuidweg werken mensen zonder loon, nummer 5b2e";
const bodyCap = 65536; // [limits] body_bytes, the server's default (src/config.c)

let server;
let nginx;
let dir;
let cert;
let tlsPort;
let httpPort;
const receipts = [];
let requestsSent = 0; // each must leave one line in the access log

// The tools must be there: a missing nginx or openssl fails the test, it never skips it. nginx is in
// /usr/sbin, which is not in an ordinary user's PATH on Debian.
function findTool(candidates, args, packageName) {
  for (const command of candidates) {
    const result = spawnSync(command, args, { encoding: "utf8" });
    if (!result.error) return command;
  }
  throw new Error(`${candidates[0]} is not installed (not found as ${candidates.join(" or ")}; Debian package ` +
    `${packageName}, which scripts/install-deps installs)`);
}
let nginxCommand;

// A shipped line that the test replaces must be there, or the test would check some other file.
function substitute(text, pattern, replacement, what) {
  if (!pattern.test(text)) {
    throw new Error(`deploy/nginx-meldwijzer.conf: ${what} (${pattern}) not found; change this test with the site`);
  }
  return text.replace(pattern, replacement);
}

function siteConfig(upstreamPort) {
  let site = readFileSync(shippedSite, "utf8");
  // IPv6 listeners left out: a CI machine need not have ::1, and IPv4 loopback tests the same site
  site = substitute(site, /^\s*listen \[::\]:80;\n/m, "", "the IPv6 listener on port 80");
  site = substitute(site, /^\s*listen \[::\]:443 ssl http2;\n/m, "", "the IPv6 TLS listener");
  site = substitute(site, /listen 80;/, `listen 127.0.0.1:${httpPort};`, "the port 80 listener");
  site = substitute(site, /listen 443 ssl http2;/, `listen 127.0.0.1:${tlsPort} ssl http2;`, "the TLS listener");
  site = substitute(site, /server 127\.0\.0\.1:8080;/, `server 127.0.0.1:${upstreamPort};`, "the upstream");
  site = substitute(site, /\/etc\/ssl\/meldwijzer\/fullchain\.pem/, path.join(dir, "cert.pem"), "the certificate");
  site = substitute(site, /\/etc\/ssl\/meldwijzer\/privkey\.pem/, path.join(dir, "key.pem"), "the key");
  site = substitute(site, /\/var\/log\/nginx\//g, `${dir}/`, "the log folder");
  const directives = site.split("\n").filter((line) => !/^\s*#/.test(line)).join("\n");
  assert.doesNotMatch(directives, /\/(var|etc|usr)\//, "no path of the real machine is left in the tested site");
  return site;
}

// Debian 12's /etc/nginx/nginx.conf, less its user, includes and system paths; the site inside its http block.
function mainConfig(site) {
  const temp = path.join(dir, "temp");
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/main-error.log warn;
events {
	worker_connections 128;
}
http {
	sendfile on;
	tcp_nopush on;
	types_hash_max_size 2048;
	default_type application/octet-stream;
	ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
	ssl_prefer_server_ciphers on;
	access_log ${dir}/default-access.log;
	gzip on;
	client_body_temp_path ${temp}/body;
	proxy_temp_path ${temp}/proxy;
	fastcgi_temp_path ${temp}/fastcgi;
	uwsgi_temp_path ${temp}/uwsgi;
	scgi_temp_path ${temp}/scgi;
${site}
}
`;
}

// As root, nginx and its files belong to `nobody`: nginx never runs as root here.
const asRoot = process.getuid() === 0;
const nobody = asRoot ? { uid: Number(execFileSync("id", ["-u", "nobody"])), gid: Number(execFileSync("id", ["-g", "nobody"])) } : null;
function ownedByNginx(file) {
  if (nobody) chownSync(file, nobody.uid, nobody.gid);
}

function tlsConnect(options) {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", port: tlsPort, servername: host, ca: cert, ...options }, () => {
      const protocol = socket.getProtocol();
      socket.end();
      resolve({ protocol });
    });
    socket.on("error", (error) => resolve({ error }));
  });
}

async function startNginx(upstreamPort) {
  const base = (Number(process.env.MELDWIJZER_TEST_PORT) || 20000 + (process.pid % 20000)) + 60;
  for (let attempt = 0; attempt < 10; attempt++) {
    tlsPort = base + 2 * attempt;
    httpPort = tlsPort + 1;
    const configPath = path.join(dir, "nginx.conf");
    writeFileSync(configPath, mainConfig(siteConfig(upstreamPort)));
    ownedByNginx(configPath);
    const child = spawn(nginxCommand, ["-p", `${dir}/`, "-c", configPath, "-e", path.join(dir, "startup.log")],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"], ...(nobody || {}) });
    let output = "";
    child.stdout.on("data", (chunk) => { output += chunk; });
    child.stderr.on("data", (chunk) => { output += chunk; });
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      if (!(await tlsConnect({})).error) return child;
      await sleep(100);
    }
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not answer: ${output}`);
    }
    const log = ["startup.log", "main-error.log"].map((name) => path.join(dir, name))
      .filter(existsSync).map((file) => readFileSync(file, "utf8")).join("") + output;
    if (!/Address already in use/.test(log)) throw new Error(`nginx did not start: ${log}`);
  }
  throw new Error("nginx: no free port pair found");
}

before(async () => {
  nginxCommand = findTool(["nginx", "/usr/sbin/nginx"], ["-v"], "nginx-light");
  findTool(["openssl"], ["version"], "openssl");
  dir = mkdtempSync(path.join(tmpdir(), "meldwijzer-nginx-"));
  mkdirSync(path.join(dir, "temp"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-days", "2", "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host}`,
    "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "pipe" });
  cert = readFileSync(path.join(dir, "cert.pem"));
  for (const file of [dir, path.join(dir, "temp"), path.join(dir, "key.pem"), path.join(dir, "cert.pem")]) ownedByNginx(file);
  // nginx is the server's only client and a trusted proxy; three reports an hour per client, so that
  // one client's count running out shows whether the server told clients apart
  server = await startServer("trusted_proxies = 127.0.0.1\n[limits]\nsubmissions_per_hour = 3\n");
  nginx = await startNginx(server.port);
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    nginx.kill("SIGQUIT");
    await once(nginx, "exit");
  }
  if (server) assert.equal(await server.stop(), 0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// One request through nginx over TLS, from a loopback address of its own (the client nginx sees).
function request(pathname, { method = "GET", headers = {}, body, from = "127.0.0.2" } = {}) {
  requestsSent++;
  return new Promise((resolve, reject) => {
    const outgoing = https.request({ host: "127.0.0.1", port: tlsPort, servername: host, ca: cert, agent: false,
      localAddress: from, method, path: pathname,
      headers: { Host: host, "User-Agent": agent, Referer: referrer, ...headers } }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers,
        text: Buffer.concat(chunks).toString() }));
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

function postForm(pathname, fields, from) {
  return request(pathname, { method: "POST", from, body: new URLSearchParams(fields).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin",
      Origin: `https://${host}` } });
}

function postJson(pathname, body, from, headers = {}) {
  return request(pathname, { method: "POST", from, body,
    headers: { "Content-Type": "application/json", ...headers } });
}

const hsts = "max-age=31536000; includeSubDomains";

test("the public pages come through TLS with the server's status and headers, HSTS, uncompressed", async () => {
  for (const page of [...pages, "/en/", "/static/style.css"]) {
    const direct = await fetch(server.url + page);
    await direct.arrayBuffer();
    const proxied = await request(page, { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    assert.equal(proxied.status, direct.status, page);
    assert.equal(proxied.headers["strict-transport-security"], hsts, page);
    assert.equal(proxied.headers["content-type"], direct.headers.get("content-type"), page);
    assert.equal(proxied.headers["content-security-policy"], direct.headers.get("content-security-policy"), page);
    // no compression of pages that carry tokens beside what a visitor typed (BREACH)
    assert.equal(proxied.headers["content-encoding"], undefined, page);
    assert.equal(proxied.headers.server, "nginx", `${page}: no version in Server`);
  }
  const home = await request("/");
  assert.match(home.text, /<html lang="nl"/);
});

test("HTTP/2 is offered and serves the pages", async () => {
  requestsSent++;
  const session = http2.connect(`https://127.0.0.1:${tlsPort}`, { ca: cert, servername: host });
  try {
    const stream = session.request({ ":path": "/signalen", ":authority": host, "user-agent": agent });
    const [headers] = await once(stream, "response");
    let text = "";
    stream.setEncoding("utf8");
    for await (const chunk of stream) text += chunk;
    assert.equal(session.alpnProtocol, "h2");
    assert.equal(headers[":status"], 200);
    assert.equal(headers["strict-transport-security"], hsts);
    assert.match(text, /<main id="main">/);
  } finally {
    session.close();
  }
});

test("a report sent with the form through the proxy is followed up with its receipt", async () => {
  const form = await request("/melden");
  assert.equal(form.status, 200);
  const csrf = form.text.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const submission = form.text.match(/name="submission" value="([0-9a-f]{32})"/)[1];
  const sent = await postForm("/melden", { csrf, submission, kind: "report", what: narrative, where: "Zuidweg",
    form: "labour" });
  assert.equal(sent.status, 201, sent.text.slice(0, 300));
  assert.equal(sent.headers["strict-transport-security"], hsts);
  const receipt = [...sent.text.matchAll(/<span class="receipt-group">([0-9A-Z-]+)<\/span>/g)].map((m) => m[1]).join("");
  assert.match(receipt, /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  receipts.push(receipt);

  const login = await request("/opvolgen");
  const followCsrf = login.text.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const view = await postForm("/opvolgen", { csrf: followCsrf, receipt });
  assert.equal(view.status, 200);
  assert.ok(view.text.includes(narrative), "the follow-up page shows the report");
  const wrong = await postForm("/opvolgen", { csrf: followCsrf, receipt: "AAAAA-BBBBB-CCCCC-DDDDD" });
  assert.equal(wrong.status, 401);
});

test("a report sent as JSON through the proxy is followed up with its receipt", async () => {
  const submitted = await postJson("/api/v1/reports", JSON.stringify({ kind: "report", what: narrative, forms: ["labour"] }));
  assert.equal(submitted.status, 201, submitted.text);
  const { receipt } = JSON.parse(submitted.text);
  receipts.push(receipt);
  const login = await postJson("/api/v1/followup", JSON.stringify({ receipt }));
  assert.equal(login.status, 200);
  const { token } = JSON.parse(login.text);
  const view = await request("/api/v1/followup", { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(view.status, 200);
  assert.equal(JSON.parse(view.text).what, narrative);
});

test("the staff sign-in page comes through TLS and a sign-in is answered by the server, not refused as cross-site", async () => {
  const page = await request("/team/");
  assert.equal(page.status, 200);
  assert.equal(page.headers["strict-transport-security"], hsts);
  assert.match(page.text, /action="\/team\/inloggen"/);
  const csrf = page.text.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const wrong = await postForm("/team/inloggen", { csrf, name: "bestaat.niet", password: "geen wachtwoord hier", code: "123456" });
  assert.equal(wrong.status, 401);
  assert.match(wrong.text, /<p class="error" id="login-error">/);
});

test("plain HTTP is sent to HTTPS", async () => {
  requestsSent++;
  const answer = await new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port: httpPort, path: "/melden", localAddress: "127.0.0.2",
      headers: { Host: host, "User-Agent": agent } }, (response) => {
      response.resume();
      resolve(response);
    }).on("error", reject);
  });
  assert.equal(answer.statusCode, 301);
  assert.equal(answer.headers.location, `https://${host}/melden`);
});

test("TLS 1.2 and 1.3 are accepted; TLS 1.0 and 1.1 are refused by nginx", async () => {
  assert.equal((await tlsConnect({ minVersion: "TLSv1.3", maxVersion: "TLSv1.3" })).protocol, "TLSv1.3");
  assert.equal((await tlsConnect({ minVersion: "TLSv1.2", maxVersion: "TLSv1.2" })).protocol, "TLSv1.2");
  // The old versions need OpenSSL's security level 0 on the client. That this client then speaks
  // them is shown against a node TLS server that allows them, so a refusal below is nginx's.
  const old = { ciphers: "DEFAULT@SECLEVEL=0" };
  const control = tls.createServer({ cert, key: readFileSync(path.join(dir, "key.pem")), minVersion: "TLSv1", ...old },
    (socket) => socket.end());
  control.listen(0, "127.0.0.1");
  await once(control, "listening");
  try {
    for (const version of ["TLSv1", "TLSv1.1"]) {
      const spoken = await new Promise((resolve) => {
        const socket = tls.connect({ host: "127.0.0.1", port: control.address().port, servername: host, ca: cert,
          minVersion: version, maxVersion: version, ...old }, () => { resolve(socket.getProtocol()); socket.end(); });
        socket.on("error", (error) => resolve(error.code));
      });
      assert.equal(spoken, version, `the client speaks ${version}`);
      const refused = await tlsConnect({ minVersion: version, maxVersion: version, ...old });
      assert.equal(refused.protocol, undefined, `${version} was accepted`);
      assert.equal(refused.error.code, "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", `${version}: ${refused.error.message}`);
    }
  } finally {
    control.close();
  }
});

// A JSON report padded with spaces (valid JSON) to exactly `size` bytes.
function reportOfSize(size) {
  const json = JSON.stringify({ kind: "report", what: narrative, forms: ["labour"] });
  return json + " ".repeat(size - Buffer.byteLength(json));
}

test("a body one byte over the server's cap is refused by nginx; one at the cap reaches the server", async () => {
  const over = await postJson("/api/v1/reports", reportOfSize(bodyCap + 1), "127.0.0.5");
  assert.equal(over.status, 413);
  assert.match(over.headers["content-type"], /^text\/html/, "nginx's own page, not the server's JSON");
  assert.match(over.text, /<center>nginx<\/center>/);
  assert.equal(over.headers["strict-transport-security"], hsts, "HSTS on nginx's own error pages too");
  const at = await postJson("/api/v1/reports", reportOfSize(bodyCap), "127.0.0.5");
  assert.equal(at.status, 201, at.text);
  receipts.push(JSON.parse(at.text).receipt);
});

test("the server counts each client behind the proxy on its own, and a forged X-Forwarded-For changes nothing", async () => {
  const submit = (from, headers) =>
    postJson("/api/v1/reports", JSON.stringify({ kind: "report", what: "Tellen per adres" }), from, headers);
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await submit("127.0.0.3")).status);
  assert.deepEqual(statuses, [201, 201, 201, 429], "one client: three an hour");
  // nginx replaces the header: what the client claims never reaches the server
  const forged = await submit("127.0.0.3", { "X-Forwarded-For": "198.51.100.7" });
  assert.equal(forged.status, 429);
  assert.ok(Number(forged.headers["retry-after"]) > 0);
  // another address behind the same proxy is another client (without trusted_proxies, all would be one)
  assert.equal((await submit("127.0.0.4")).status, 201);
});

test("more than 16 requests at once from one address get 429 from nginx (the server's cap per address); another address is served", async () => {
  // 16 requests whose bodies never come: nginx holds each, counted against the address
  const held = await Promise.all(Array.from({ length: 16 }, () => new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: tlsPort, servername: host, ca: cert, localAddress: "127.0.0.6",
      ALPNProtocols: ["http/1.1"] }, () => {
      socket.write(`POST /api/v1/reports HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${agent}\r\n` +
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n");
      resolve(socket);
    });
    socket.on("error", reject);
  })));
  requestsSent += held.length;
  // nginx counts a request once it has read its header: on a busy machine that may take a moment
  const statusWithin = async (from, wanted) => {
    let status;
    for (let i = 0; i < 50 && status !== wanted; i++) {
      if (i) await sleep(100);
      status = (await request("/", { from })).status;
    }
    return status;
  };
  try {
    assert.equal(await statusWithin("127.0.0.6", 429), 429, "the 17th request at once from one address");
    const refused = await request("/", { from: "127.0.0.6" });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers["strict-transport-security"], hsts);
    assert.equal((await request("/", { from: "127.0.0.7" })).status, 200);
  } finally {
    for (const socket of held) socket.destroy();
  }
  assert.equal(await statusWithin("127.0.0.6", 200), 200, "the address is served again once its requests end");
});

test("a request whose header is not whole within the server's 10 s is cut off by nginx", async () => {
  const started = Date.now();
  const socket = tls.connect({ host: "127.0.0.1", port: tlsPort, servername: host, ca: cert, localAddress: "127.0.0.8",
    ALPNProtocols: ["http/1.1"] });
  await once(socket, "secureConnect");
  socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n`); // and the rest never comes
  socket.resume();
  socket.on("error", () => {});
  await once(socket, "close");
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds >= 9.5 && seconds < 14, `closed after ${seconds} s`);
  requestsSent++; // nginx logs it (408)
});

test("nginx's logs hold the requests but no client address, user agent, referrer, query, receipt or report text", async () => {
  // the logs are written as requests end; a moment for the last line
  await sleep(200);
  const access = readFileSync(path.join(dir, "meldwijzer.access.log"), "utf8");
  assert.match(access, /"GET \/melden" 200 /);
  assert.match(access, /"POST \/api\/v1\/reports" 201 /);
  assert.match(access, /"GET \/melden" 301 /, "the port-80 server logs the same way");
  assert.equal(access.split("\n").filter(Boolean).length, requestsSent, "every request has its line");
  const errors = existsSync(path.join(dir, "meldwijzer.error.log")) ? readFileSync(path.join(dir, "meldwijzer.error.log"), "utf8") : "";
  assert.equal(receipts.length, 3);
  for (const [name, text] of [["access log", access], ["error log", errors]]) {
    for (const forbidden of ["127.0.0.", "198.51.100.7", agent, "referrer-7c1d", "danger=", "signal=", narrative, "5b2e",
      ...receipts]) {
      assert.ok(!text.includes(forbidden), `${name} holds ${forbidden}`);
    }
  }
  // the site's log replaces Debian's default access log for its servers
  const fallback = path.join(dir, "default-access.log");
  assert.equal(existsSync(fallback) ? readFileSync(fallback, "utf8") : "", "");
});
