// Issue 12: metrics in Prometheus text format and a readiness answer on a listener of their own
// ([server] metrics_listen), never on the public port, and never anything about a person: every label
// value comes from a fixed list (no path, no address, no user agent). On PostgreSQL (make check runs
// this file so) also: /ready turns to 503 "unreachable" when the database goes away while the public
// site is idle, and back when it returns.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startServer, onPostgres, testDatabase } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
let server;
let metricsUrl;

async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

before(async () => {
  const port = await freePort();
  server = await startServer(`metrics_listen = 127.0.0.1:${port}\n[limits]\nsubmissions_per_hour = 1000\n`);
  metricsUrl = `http://127.0.0.1:${port}`;
});
after(async () => { assert.equal(await server.stop(), 0); });

async function scrape() {
  const response = await fetch(metricsUrl + "/metrics");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
  return response.text();
}

// name{labels} -> value, for the sample lines
function samples(text) {
  const found = new Map();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

const secret = "ZZSECRETVALUEZZ";
const agent = "ops-test-agent/1.0 (a person's browser)";

test("the public port serves no metrics; the metrics port only its own two answers", async () => {
  for (const pathname of ["/metrics", "/ready"]) {
    const response = await fetch(server.url + pathname);
    assert.equal(response.status, 404, `${pathname} is not on the public port`);
  }
  assert.equal((await fetch(metricsUrl + "/elsewhere")).status, 404);
  assert.equal((await fetch(metricsUrl + "/metrics", { method: "POST", body: "x" })).status, 405);
  const ready = await fetch(metricsUrl + "/ready");
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { ready: true, storage: "ok" });
});

test("requests are counted by route class and status class, with latencies and reports per status", async () => {
  const headers = { "User-Agent": agent };
  assert.equal((await fetch(server.url + "/", { headers })).status, 200);
  assert.equal((await fetch(server.url + "/static/style.css", { headers })).status, 200);
  assert.equal((await fetch(server.url + "/api/v1/signals", { headers })).status, 200);
  assert.equal((await fetch(server.url + `/bestaat-niet-${secret}?receipt=${secret}`, { headers })).status, 404);
  await fetch(server.url + "/team/", { headers }); // the back office: counted as staff, whatever it answers
  const stored = await fetch(server.url + "/api/v1/reports", { method: "POST",
    headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ what: secret }) });
  assert.equal(stored.status, 201);

  // a request is counted when MHD has finished it (NOTIFY_COMPLETED), which can come just after the
  // client has its answer: scrape again until the requests above are in (on a loaded machine this
  // scrape once came first), then check the counts
  let text = await scrape();
  const counted = samples(text);
  const get = (name) => counted.get(name) ?? -1;
  const requestsIn = () => get('meldwijzer_http_requests_total{class="json",status="2xx"}') >= 2 &&
    get('meldwijzer_http_requests_total{class="page",status="4xx"}') >= 1 &&
    get('meldwijzer_http_requests_total{class="static",status="2xx"}') >= 1 &&
    get('meldwijzer_http_request_duration_seconds_count{class="page"}') >= 2 &&
    [1, 2, 3, 4, 5].some((s) => get(`meldwijzer_http_requests_total{class="staff",status="${s}xx"}`) >= 1);
  for (const started = Date.now(); !requestsIn() && Date.now() - started < 10000;) {
    await sleep(100);
    text = await scrape();
    counted.clear();
    for (const [key, value] of samples(text)) counted.set(key, value);
  }
  assert.ok(get('meldwijzer_http_requests_total{class="page",status="2xx"}') >= 1);
  assert.ok(get('meldwijzer_http_requests_total{class="page",status="4xx"}') >= 1);
  assert.ok(get('meldwijzer_http_requests_total{class="static",status="2xx"}') >= 1);
  assert.ok(get('meldwijzer_http_requests_total{class="json",status="2xx"}') >= 2);
  const staff = [1, 2, 3, 4, 5].reduce((sum, s) =>
    sum + Math.max(0, get(`meldwijzer_http_requests_total{class="staff",status="${s}xx"}`)), 0);
  assert.ok(staff >= 1, "the back office is counted as staff");
  assert.ok(get('meldwijzer_http_request_duration_seconds_count{class="page"}') >= 2);
  assert.equal(get('meldwijzer_http_request_duration_seconds_bucket{class="page",le="+Inf"}'),
    get('meldwijzer_http_request_duration_seconds_count{class="page"}'));
  assert.ok(get('meldwijzer_worker_job_duration_seconds_count{class="json"}') >= 1, "the submission ran in a worker");
  assert.ok(get("meldwijzer_db_commits_total") >= 1);
  assert.ok(get("meldwijzer_db_reports_committed_total") >= 1);
  // commit latency: a histogram whose buckets only grow, whose +Inf bucket is its count, with a sum
  const commitCount = get("meldwijzer_db_commit_duration_seconds_count");
  assert.ok(commitCount >= 1, "the submission's commit is in the histogram");
  assert.equal(get('meldwijzer_db_commit_duration_seconds_bucket{le="+Inf"}'), commitCount);
  const commitBuckets = [...text.matchAll(/^meldwijzer_db_commit_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)]
    .map((m) => [m[1], Number(m[2])]);
  assert.equal(commitBuckets.length, 13);
  assert.deepEqual(commitBuckets.map(([, n]) => n), [...commitBuckets.map(([, n]) => n)].sort((a, b) => a - b));
  assert.ok(get("meldwijzer_db_commit_duration_seconds_sum") > 0);
  for (const name of ["meldwijzer_worker_queue_depth", "meldwijzer_worker_queue_capacity", "meldwijzer_workers_busy",
    "meldwijzer_http_open_connections", "meldwijzer_worker_queue_full_total", "meldwijzer_db_commit_waiting"]) {
    assert.ok(get(name) >= 0, `${name} is there`);
  }
  assert.equal(get("meldwijzer_storage_ready"), 1);
  assert.equal(get('meldwijzer_storage_state{state="ok"}'), 1);
  // reports per status are counted in the background: a scrape asks for a new count, never waits for it
  for (const started = Date.now(); get('meldwijzer_reports{status="new"}') < 1 && Date.now() - started < 10000;) {
    await sleep(200);
    text = await scrape();
    const again = samples(text);
    counted.clear();
    for (const [key, value] of again) counted.set(key, value);
  }
  assert.ok(get('meldwijzer_reports{status="new"}') >= 1, "the stored report is counted as new");
  assert.equal(get("meldwijzer_reports_count_ok"), 1);
});

test("no label carries a path, an address or anything else a request brought", async () => {
  await fetch(server.url + `/opvolgen?receipt=${secret}`, { headers: { "User-Agent": agent } });
  const text = await scrape();
  for (const forbidden of [secret, "127.0.0.1", "/opvolgen", "/bestaat", "ops-test-agent", "receipt="]) {
    assert.ok(!text.includes(forbidden), `the metrics do not contain ${forbidden}`);
  }
  const allowed = {
    class: /^(page|json|static|staff)$/,
    status: /^([1-5]xx|new|in_progress|referred|closed)$/,
    le: /^([0-9.]+|\+Inf)$/,
    state: /^(ok|full|write_failed|low_space|unreachable)$/,
  };
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^(meldwijzer_[a-z_]+)(?:\{(.*)\})? (-?[0-9.e+]+)$/.exec(line);
    assert.ok(match, `a plain sample line: ${line}`);
    for (const label of (match[2] || "").split(",").filter(Boolean)) {
      const [, key, value] = /^([a-z_]+)="([^"]*)"$/.exec(label) || [];
      assert.ok(allowed[key], `label ${key} is one of the known ones (${line})`);
      assert.match(value, allowed[key], `label value ${value} is from the fixed list`);
    }
  }
});

test("readiness says when PostgreSQL cannot be reached, without public traffic, and turns back",
  { skip: !onPostgres && "PostgreSQL only" }, async () => {
    const cluster = (action) => execFileSync(path.join(root, "scripts", "pg-test-cluster"), [action, testDatabase]);
    const readiness = async () => {
      await fetch(metricsUrl + "/metrics"); // a scrape asks the background count to run again
      const response = await fetch(metricsUrl + "/ready");
      return { status: response.status, body: await response.json() };
    };
    cluster("down");
    let ready;
    try {
      for (const started = Date.now(); Date.now() - started < 20000; await sleep(300)) {
        ready = await readiness();
        if (ready.status === 503) break;
      }
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.body, { ready: false, storage: "unreachable" });
      assert.equal(samples(await scrape()).get("meldwijzer_storage_ready"), 0);
    } finally {
      cluster("up");
    }
    for (const started = Date.now(); Date.now() - started < 20000; await sleep(300)) {
      ready = await readiness();
      if (ready.status === 200) break;
    }
    assert.equal(ready.status, 200, "ready again once PostgreSQL is back");
  });
