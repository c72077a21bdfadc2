// Withdrawal by the reporter (issue 15): the page that says what withdrawing means, the form with the
// receipt and a box to tick, the JSON endpoint, and what is left afterwards: the report no longer
// opens, its follow-up sessions have ended, the audit log says only "report_withdrawn" by "-", and the
// database files hold neither its keys nor its encrypted text. A wrong receipt gets the follow-up
// login's answer and counts against the same hourly limit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, onPostgres } from "../support.mjs";

const form = { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" };
const json = { "Content-Type": "application/json" };
let server;

before(async () => {
  server = await startServer("[limits]\nsubmissions_per_hour = 1000\nreceipt_attempts_per_hour = 1000\n");
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0);
});

function sql(target, query) {
  const output = onPostgres
    ? execFileSync("psql", ["-qAtX", "-c", query, target.database]).toString()
    : execFileSync("sqlite3", [target.database.replace(/^sqlite:/, ""), query]).toString();
  return output.trim().split("\n").filter(Boolean);
}

async function submit(target, what) {
  const response = await fetch(`${target.url}/api/v1/reports`, {
    method: "POST", headers: json, body: JSON.stringify({ kind: "report", what, forms: ["labour"] }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).receipt;
}

async function login(target, receipt) {
  return fetch(`${target.url}/api/v1/followup`, { method: "POST", headers: json, body: JSON.stringify({ receipt }) });
}

// A follow-up session with a message from the reporter: its token and the report's ref.
async function session(target, receipt, message) {
  const response = await login(target, receipt);
  assert.equal(response.status, 200);
  const { token } = await response.json();
  const auth = { Authorization: `Bearer ${token}` };
  const wrote = await fetch(`${target.url}/api/v1/followup/messages`, {
    method: "POST", headers: { ...json, ...auth }, body: JSON.stringify({ body: message }),
  });
  assert.equal(wrote.status, 201);
  const read = await fetch(`${target.url}/api/v1/followup`, { headers: auth });
  return { token, ref: (await read.json()).ref };
}

// The report's keys and encrypted boxes as stored (32 bytes of each): what must be gone afterwards.
function traces(target, ref) {
  const hex = (column) => (onPostgres ? `encode(${column}, 'hex')` : `hex(${column})`);
  const rows = sql(target, `SELECT ${hex("key_for_team")}, ${hex("key_for_receipt")}, ${hex("content")},
    ${hex("receipt_lookup")}, (SELECT ${hex("body")} FROM messages WHERE report_ref = '${ref}' LIMIT 1)
    FROM reports WHERE ref = '${ref}'`);
  assert.equal(rows.length, 1);
  return rows[0].split("|").map((text) => Buffer.from(text.slice(0, 64), "hex"));
}

// In the SQLite files as bytes; in a PostgreSQL dump (its live rows only: dead tuples stay in its
// pages until VACUUM, docs/architecture.md) as the hex text a dump shows bytea in.
function inFiles(target, bytes) {
  return target.storedBytes().some((file) => file.bytes.includes(bytes) || file.bytes.includes(bytes.toString("hex")));
}

async function withdrawPage(target, prefix = "") {
  const response = await fetch(`${target.url}${prefix}/opvolgen/intrekken`);
  const html = await response.text();
  return { response, html, csrf: html.match(/name="csrf" value="([^"]+)"/)[1] };
}

async function postWithdraw(target, fields, prefix = "") {
  const { csrf } = await withdrawPage(target, prefix);
  return fetch(`${target.url}${prefix}/opvolgen/intrekken`, {
    method: "POST", headers: form, body: new URLSearchParams({ csrf, ...fields }),
  });
}

test("the follow-up page links to withdrawal, which says in plain words what it means", async () => {
  const receipt = await submit(server, "Ik zag iets in de kas.");
  const page = await fetch(`${server.url}/opvolgen`);
  const csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)[1];
  const view = await fetch(`${server.url}/opvolgen`, {
    method: "POST", headers: form, body: new URLSearchParams({ csrf, receipt }),
  });
  assert.equal(view.status, 200);
  assert.match(await view.text(), /<a href="\/opvolgen\/intrekken">Melding intrekken<\/a>/);

  const { response, html } = await withdrawPage(server);
  assert.equal(response.status, 200);
  assert.match(html, /<h1>Melding intrekken<\/h1>/);
  assert.match(html, /We wissen alles van je melding/);
  assert.match(html, /Dit kun je niet ongedaan maken/);
  assert.match(html, /Daarna staat er bij het adviespunt alleen nog dat er een melding is ingetrokken/);
  assert.match(html, /Bel dan meteen 112/);
  assert.match(html, /<input type="checkbox" id="confirm" name="confirm" value="1">/);
  assert.match(html, /<label for="receipt">/);
  const english = await withdrawPage(server, "/en");
  assert.match(english.html, /<h1>Withdraw your report<\/h1>/);
  assert.match(english.html, /You cannot undo this/);
  assert.match(english.html, /action="\/en\/opvolgen\/intrekken"/);
});

test("withdrawing on the page: without the box the form comes back; a wrong receipt is refused; then it is gone", async () => {
  const narrative = "Mijn nicht Ilse moet elke nacht werken in een wasstraat in Schiedam.";
  const receipt = await submit(server, narrative);
  const { token, ref } = await session(server, receipt, "Ze heeft nu geen paspoort meer.");
  const stored = traces(server, ref);
  assert.ok(stored.every((bytes) => inFiles(server, bytes)), "the search finds what is there");

  // the box not ticked: the form again, the receipt still in its field, nothing withdrawn
  const unticked = await postWithdraw(server, { receipt });
  assert.equal(unticked.status, 400);
  const again = await unticked.text();
  assert.match(again, /Vink het vakje aan als je je melding echt wilt intrekken/);
  assert.match(again, /<a href="#confirm">/, "the error summary leads to the box");
  assert.ok(again.includes(`value="${receipt}"`), "the typed receipt is kept");
  assert.match(again, /aria-invalid="true" aria-describedby="confirm-error"/);
  assert.equal((await login(server, receipt)).status, 200);

  // no receipt at all: said so, no attempt counted
  const empty = await postWithdraw(server, { confirm: "1" });
  assert.equal(empty.status, 400);
  const emptyHtml = await empty.text();
  assert.match(emptyHtml, /Vul je code in/);
  assert.match(emptyHtml, /id="confirm" name="confirm" value="1" checked/, "the ticked box stays ticked");

  // a wrong receipt: the follow-up login's words
  const wrong = await postWithdraw(server, { receipt: "AAAAA-BBBBB-CCCCC-DDDDD", confirm: "1" });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /Met deze code vinden we geen melding/);

  const done = await postWithdraw(server, { receipt: receipt.toLowerCase(), confirm: "1" });
  assert.equal(done.status, 200);
  const doneHtml = await done.text();
  assert.match(doneHtml, /<h1>Je melding is ingetrokken<\/h1>/);
  assert.match(doneHtml, /Je code werkt niet meer/);

  // gone: the receipt opens nothing, the session has ended, the rows and their bytes are gone
  assert.equal((await login(server, receipt)).status, 401);
  const read = await fetch(`${server.url}/api/v1/followup`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(read.status, 401, "the follow-up session ended with the withdrawal");
  assert.deepEqual(sql(server, `SELECT count(*) FROM reports WHERE ref = '${ref}'`), ["0"]);
  assert.deepEqual(sql(server, `SELECT count(*) FROM messages WHERE report_ref = '${ref}'`), ["0"]);
  assert.deepEqual(sql(server, `SELECT account || ' ' || action FROM audit_log WHERE object = '${ref}'`),
    ["- report_withdrawn"]);
  stored.forEach((bytes, i) => assert.ok(!inFiles(server, bytes), `trace ${i} is still in the database files`));
  for (const { name, bytes } of server.storedBytes()) {
    for (const text of ["Ilse", "wasstraat", "paspoort"]) assert.equal(bytes.indexOf(Buffer.from(text)), -1, `${name}: ${text}`);
  }
  assert.ok(!server.output().includes(ref), "the log does not name the report");
});

test("a withdrawal sent from another site, or without the page's form token, withdraws nothing", async () => {
  const receipt = await submit(server, "Een melding die blijft staan.");
  const { csrf } = await withdrawPage(server);
  const crossSite = await fetch(`${server.url}/opvolgen/intrekken`, {
    method: "POST", headers: { ...form, "Sec-Fetch-Site": "cross-site" },
    body: new URLSearchParams({ csrf, receipt, confirm: "1" }),
  });
  assert.equal(crossSite.status, 403);
  const noToken = await fetch(`${server.url}/opvolgen/intrekken`, {
    method: "POST", headers: form, body: new URLSearchParams({ receipt, confirm: "1" }),
  });
  assert.equal(noToken.status, 403);
  assert.match(await noToken.text(), /Deze pagina is verlopen/);
  assert.equal((await login(server, receipt)).status, 200, "the report is still there");
});

test("withdrawing through the API: {\"receipt\"} → 200, then 401; a malformed body is 400", async () => {
  const receipt = await submit(server, "Een melding die via de API wordt ingetrokken.");
  const { token, ref } = await session(server, receipt, "Nog een bericht.");
  const stored = traces(server, ref);
  const post = (body) => fetch(`${server.url}/api/v1/withdraw`, { method: "POST", headers: json, body });
  assert.equal((await post(JSON.stringify({ receipt, confirm: true }))).status, 400);
  assert.equal((await post("not json")).status, 400);
  assert.equal((await post(JSON.stringify({ receipt: "AAAAA-BBBBB-CCCCC-DDDDD" }))).status, 401);
  assert.equal((await login(server, receipt)).status, 200, "nothing was withdrawn so far");

  const done = await post(JSON.stringify({ receipt }));
  assert.equal(done.status, 200);
  assert.deepEqual(await done.json(), { withdrawn: true });
  const twice = await post(JSON.stringify({ receipt }));
  assert.equal(twice.status, 401);
  assert.deepEqual(await twice.json(), { error: "unknown receipt or expired session" });
  assert.equal((await login(server, receipt)).status, 401);
  const read = await fetch(`${server.url}/api/v1/followup`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(read.status, 401);
  stored.forEach((bytes, i) => assert.ok(!inFiles(server, bytes), `trace ${i} is still in the database files`));
});

test("wrong receipts at withdrawal count against the follow-up login's hourly limit", async () => {
  const limited = await startServer("[limits]\nreceipt_attempts_per_hour = 3\n");
  try {
    const statuses = [];
    statuses.push((await postWithdraw(limited, { receipt: "AAAAA-BBBBB-CCCCC-00001", confirm: "1" })).status);
    statuses.push((await fetch(`${limited.url}/api/v1/withdraw`, {
      method: "POST", headers: json, body: JSON.stringify({ receipt: "AAAAA-BBBBB-CCCCC-00002" }),
    })).status);
    statuses.push((await login(limited, "AAAAA-BBBBB-CCCCC-00003")).status);
    const page = await postWithdraw(limited, { receipt: "AAAAA-BBBBB-CCCCC-00004", confirm: "1" });
    statuses.push(page.status);
    statuses.push((await fetch(`${limited.url}/api/v1/withdraw`, {
      method: "POST", headers: json, body: JSON.stringify({ receipt: "AAAAA-BBBBB-CCCCC-00005" }),
    })).status);
    statuses.push((await login(limited, "AAAAA-BBBBB-CCCCC-00006")).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429]);
    assert.ok(Number(page.headers.get("retry-after")) > 0);
    assert.match(await page.text(), /te veel meldingen of codes verstuurd/);
  } finally {
    assert.equal(await limited.stop(), 0);
  }
});
