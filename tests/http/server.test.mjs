// HTTP tests against a real server on loopback: status, headers, limits,
// malformed input, HEAD, 404, static files, the JSON API and what gets logged.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { spawnSync } from "node:child_process";
import { startServer, allPages, binary } from "../support.mjs";

let server;
const agent = "meldwijzer-test-agent-7f3a";

// Wednesday 25 November 2026, 14:00 in Amsterdam: every channel with hours is open.
before(async () => {
  server = await startServer("fixed_time = 2026-11-25T14:00:00+01:00\n[limits]\nbody_bytes = 4096\nurl_bytes = 1024\nfields = 40\n");
});
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, "the server stops cleanly on SIGTERM");
});

function get(path, options = {}) {
  return fetch(server.url + path, { redirect: "manual", ...options,
    headers: { "User-Agent": agent, ...(options.headers || {}) } });
}

function assertSecurityHeaders(response, where) {
  const csp = response.headers.get("content-security-policy") || "";
  assert.match(csp, /default-src 'none'/, where);
  assert.match(csp, /frame-ancestors 'none'/, where);
  assert.doesNotMatch(csp, /unsafe-inline/, where);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff", where);
  assert.equal(response.headers.get("referrer-policy"), "same-origin", where);
  assert.ok(response.headers.get("permissions-policy"), where);
  assert.equal(response.headers.get("set-cookie"), null, `${where}: no cookies`);
}

const apiRoutes = ["/api/v1/signals", "/api/v1/contacts", "/healthz", "/static/style.css", "/static/site.js"];

test("every page and API route answers with the security headers and no cookie", async () => {
  for (const path of [...allPages, ...apiRoutes]) {
    const response = await get(path);
    const expected = path.endsWith("bestaat-niet") ? 404 : 200;
    assert.equal(response.status, expected, path);
    assertSecurityHeaders(response, path);
    const body = await response.text();
    assert.ok(body.length > 0, path);
    if (!path.startsWith("/api") && !path.startsWith("/static") && path !== "/healthz") {
      assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8", path);
      assert.equal(response.headers.get("cache-control"), "no-store", path);
      assert.match(body, /<html lang="(nl|en)">/, path);
      assert.match(body, /href="tel:112"/, `${path}: the 112 bar`);
      assert.match(body, /data-quick-exit/, `${path}: quick exit`);
    }
  }
});

test("pages load nothing from another site", async () => {
  for (const path of allPages) {
    const body = await (await get(path)).text();
    const external = body.match(/<(script|link|img|iframe|source|video|audio|object|embed)\b[^>]*\b(src|href|data)="(https?:)?\/\/[^"]*"/gi);
    assert.equal(external, null, `${path}: ${external}`);
    assert.doesNotMatch(body, /\sstyle="/, `${path}: no inline style (CSP)`);
    assert.doesNotMatch(body, /<script>(?!<\/script>)/, `${path}: no inline script (CSP)`);
  }
});

test("HEAD answers like GET without a body", async () => {
  const head = await get("/", { method: "HEAD" });
  assert.equal(head.status, 200);
  assertSecurityHeaders(head, "HEAD /");
  assert.equal(await head.text(), "");
  const api = await get("/api/v1/contacts", { method: "HEAD" });
  assert.equal(api.status, 200);
});

test("methods that a route does not take get 405 with Allow", async () => {
  const post = await get("/", { method: "POST", body: "x" });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD");
  const getRoute = await get("/api/v1/route");
  assert.equal(getRoute.status, 405);
  assert.equal(getRoute.headers.get("allow"), "POST");
  assert.deepEqual(await getRoute.json(), { error: "method not allowed" });
});

test("the JSON API follows the contract", async () => {
  const contacts = await (await get("/api/v1/contacts?at=2026-11-28T21:59:00%2B01:00")).json();
  const essm = contacts.find((c) => c.id === "essm");
  assert.equal(essm.open_now, true);
  assert.equal(essm.phone, "010-236 52 56");
  const closed = await (await get("/api/v1/contacts?at=2026-11-28T22:00:00%2B01:00")).json();
  assert.equal(closed.find((c) => c.id === "essm").opens_at, "2026-11-29T08:30:00+01:00");
  assert.equal(closed.find((c) => c.id === "politie").open_now, null);

  const route = await get("/api/v1/route", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ acute_danger: true, forms: ["labour"], signals: ["lange-dagen"], lang: "en" }) });
  assert.equal(route.status, 200);
  const answer = await route.json();
  assert.equal(answer.urgent, true);
  assert.equal(answer.recommendations[0].channel, "112");
  assert.ok(answer.assessment.forms.labour.dimensions.exploitative_conditions.strong === 1);

  const assess = await get("/api/v1/assess", { method: "POST", headers: { "Content-Type": "application/json; charset=utf-8" },
    body: JSON.stringify({ signals: ["lange-dagen", "weinig-of-geen-loon"], minor: true }) });
  const weighed = await assess.json();
  assert.equal(weighed.minor, true);
  assert.equal(weighed.forms.labour.profile, "minor");
  assert.equal(weighed.forms.labour.indicated, true);
  assert.equal(weighed.forms.labour.level, "report");

  const signals = await (await get("/api/v1/signals?form=criminal&lang=en")).json();
  assert.ok(signals.length >= 15);
  assert.ok(signals.every((s) => s.forms.includes("criminal") && s.source));
});

test("bad API input gets 4xx with a JSON message", async () => {
  const cases = [
    ["{", 400, /not valid JSON/],
    ['{"acute": true}', 400, /unknown field "acute"/],
    ['{"minor": "yes"}', 400, /field "minor"/],
    ['{"signals": ["nope"]}', 400, /unknown signal id/],
    ['{"at": "2026-02-30T10:00:00Z"}', 400, /field "at"/],
    ["\u00ff\u00fe", 400, /not valid JSON/],
  ];
  for (const [body, status, message] of cases) {
    const response = await get("/api/v1/route", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    assert.equal(response.status, status, body);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.match((await response.json()).error, message, body);
  }
  const wrongType = await get("/api/v1/route", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "{}" });
  assert.equal(wrongType.status, 415);
  const badAt = await get("/api/v1/contacts?at=yesterday");
  assert.equal(badAt.status, 400);
  assert.match((await badAt.json()).error, /RFC 3339/);
  const unknownApi = await get("/api/v1/nothing");
  assert.equal(unknownApi.status, 404);
  assert.deepEqual(await unknownApi.json(), { error: "not found" });
});

test("limits: body 413, URL 414, fields 400, malformed requests 400", async () => {
  const big = await get("/api/v1/route", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ signals: ["x".repeat(10000)] }) });
  assert.equal(big.status, 413);
  assertSecurityHeaders(big, "413");
  const longUrl = await get("/wegwijzer?danger=" + "y".repeat(2000));
  assert.equal(longUrl.status, 414);
  assert.match(await longUrl.text(), /Adres te lang/);
  const manyFields = await get("/signalen/uitslag?" + Array.from({ length: 60 }, () => "signal=lange-dagen").join("&"));
  assert.equal(manyFields.status, 400);
  const badValue = await get("/wegwijzer?danger=maybe");
  assert.equal(badValue.status, 400);
  const badSignal = await get("/signalen/uitslag?signal=not-a-signal");
  assert.equal(badSignal.status, 400);

  const raw = await new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1", () => socket.write("GARBAGE / HTTP/9.9\r\n\r\n"));
    let data = "";
    socket.on("data", (chunk) => { data += chunk; });
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
    socket.setTimeout(5000, () => { socket.destroy(); resolve(data); });
  });
  assert.match(raw, /^HTTP\/1\.1 (400|405|505)/);
});

test("static files: ETag, 304, no path traversal", async () => {
  const first = await get("/static/style.css");
  const etag = first.headers.get("etag");
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  assert.match(first.headers.get("cache-control"), /max-age/);
  assert.equal(first.headers.get("content-type"), "text/css; charset=utf-8");
  const again = await get("/static/style.css", { headers: { "If-None-Match": etag } });
  assert.equal(again.status, 304);
  for (const path of ["/static/../data/channels.json", "/static/%2e%2e/data/channels.json", "/static/",
    "/static/..%2f..%2fetc%2fpasswd", "/data/channels.json", "/web/strings.json"]) {
    const response = await get(path);
    assert.equal(response.status, 404, path);
    assert.doesNotMatch(await response.text(), /"channels"/, path);
  }
});

test("the guide keeps the answers in the address and asks again when nothing was chosen", async () => {
  const step1 = await (await get("/wegwijzer")).text();
  assert.match(step1, /Vraag 1 van 6/);
  const unanswered = await (await get("/wegwijzer?step=1")).text();
  assert.match(unanswered, /Kies een antwoord om verder te gaan/);
  const step4 = await (await get("/wegwijzer?danger=no&about=other&form=sexual&form=criminal")).text();
  assert.match(step4, /Vraag 4 van 6/);
  assert.match(step4, /name="form" value="sexual"/);
  assert.match(step4, /name="form" value="criminal"/);
  const result = await (await get("/en/wegwijzer?danger=yes&about=other&form=labour&minor=no&need=report&region=rotterdam")).text();
  assert.match(result, /Call 112 now/);
  assert.match(result, /href="tel:\+31102365256"/);
  assert.match(result, /https:\/\/portaal\.nlarbeidsinspectie\.nl\/klachten/);
  const order = [...result.matchAll(/<h[23] class="channel-name">([^<]+)<\/h[23]>/g)].map((m) => m[1]);
  assert.equal(order[0], "Emergency number 112");
  assert.equal(order[1], "ESSM advice and reporting point");
});

test("the logs hold nothing about the client", async () => {
  await get("/wegwijzer?danger=no&form=labour", { headers: { "X-Forwarded-For": "203.0.113.77" } });
  await get("/api/v1/route", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"broken' });
  const output = server.output();
  assert.doesNotMatch(output, new RegExp(agent));
  assert.doesNotMatch(output, /203\.0\.113\.77/);
  assert.doesNotMatch(output, /wegwijzer|danger|broken/);
  const lines = output.trim().split("\n").filter((line) => !line.startsWith("meldwijzer: serving on"));
  assert.deepEqual(lines.filter((line) => /127\.0\.0\.1/.test(line)), [], "no client address in the log");
});

test("a port in use is a clear start error, not a hang", () => {
  const second = spawnSync(binary, ["serve", "--listen", `127.0.0.1:${server.port}`, ...server.dbArgs, ...server.keyArgs],
    { encoding: "utf8", timeout: 30000 });
  assert.equal(second.status, 1);
  assert.match(second.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1 port ${server.port} \\(in use`));
});
