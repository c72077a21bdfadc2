// Online reporting over HTTP: submit, follow-up with the receipt, messages both
// ways (the advice point answers with `meldwijzer reports`), bad input, limits,
// and what ends up in the database files and the logs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, binary } from "../support.mjs";

let server;
const agent = "meldwijzer-report-agent-91c2";
const narrative = "Mijn collega Fatima slaapt in het magazijn van de groothandel";

before(async () => { server = await startServer("[limits]\nreceipt_attempts_per_hour = 6\nbody_bytes = 16384\n"); });
after(async () => { assert.equal(await server.stop(), 0); });

function post(pathname, body, headers = {}) {
  return fetch(server.url + pathname, { method: "POST",
    headers: { "Content-Type": "application/json", "User-Agent": agent, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body) });
}

function staff(args, input) {
  return execFileSync(binary, ["reports", ...server.dbArgs, ...server.keyArgs, ...args],
    { input: `${server.recoveryKey}\n${input || ""}` }).toString();
}

function reportCount() {
  return staff(["list"]).trim().split("\n").filter(Boolean).length;
}

test("a report can be followed up with its receipt, and messages go both ways", async () => {
  const submitted = await post("/api/v1/reports", { kind: "report", what: narrative, who: "Fatima, ongeveer 30",
    where: "Rotterdam-Zuid", forms: ["labour"], signals: ["slaapt-op-werk", "lange-dagen"], relation: "colleague",
    contact: { name: "Jan", phone: "06-12345678" } });
  assert.equal(submitted.status, 201);
  const { receipt } = await submitted.json();
  assert.match(receipt, /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);

  const login = await post("/api/v1/followup", { receipt: receipt.toLowerCase().replaceAll("-", " ") });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  const auth = { Authorization: `Bearer ${token}` };
  const view = await (await fetch(server.url + "/api/v1/followup", { headers: auth })).json();
  assert.equal(view.what, narrative);
  assert.equal(view.status, "new");
  assert.equal(view.contact, undefined, "contact details are not shown to a receipt holder");
  assert.equal(view.contact_given, true);

  const reply = await post("/api/v1/followup/messages", { body: "Ze is nu ziek." }, auth);
  assert.equal(reply.status, 201);

  const ref = view.ref;
  assert.match(staff(["show", ref]), /"phone": "06-12345678"/);
  assert.match(staff(["answer", ref], "Bedankt. Een collega neemt contact op."), /Answer stored/);
  const after = await (await fetch(server.url + "/api/v1/followup", { headers: auth })).json();
  assert.equal(after.status, "in_progress");
  assert.deepEqual(after.messages.map((m) => [m.from, m.body]),
    [["reporter", "Ze is nu ziek."], ["advice_point", "Bedankt. Een collega neemt contact op."]]);
});

test("bad input gets 4xx with a message and leaves no report", async () => {
  const before = reportCount();
  const cases = [
    [{ what: "" }, 400, /what/],
    [{ who: "x" }, 400, /what/],
    [{ what: 7 }, 400, /must be a string/],
    [{ what: "x", kind: "tip" }, 400, /kind/],
    [{ what: "x", signals: ["nope"] }, 400, /unknown signal id/],
    [{ what: "x", contact: { email: "not-an-address" } }, 400, /contact\.email/],
    ['{"what": "x", "what": "y"}', 400, /not valid JSON/],
    ["{\"what\": \"\u00e9\"", 400, /not valid JSON/],
    [{ what: "x".repeat(20000) }, 413, /too large/],
  ];
  for (const [body, status, message] of cases) {
    const response = await post("/api/v1/reports", body);
    assert.equal(response.status, status, JSON.stringify(body).slice(0, 80));
    assert.match((await response.json()).error, message);
  }
  const invalidUtf8 = await fetch(server.url + "/api/v1/reports", { method: "POST",
    headers: { "Content-Type": "application/json" }, body: Buffer.from([0x7b, 0x22, 0x77, 0x68, 0x61, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
  assert.equal(invalidUtf8.status, 400);
  const wrongType = await fetch(server.url + "/api/v1/reports", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "{}" });
  assert.equal(wrongType.status, 415);
  assert.equal(reportCount(), before, "no partial report was stored");

  for (const token of ["", "Bearer ", "Bearer abc", `Bearer ${"0".repeat(64)}`, "Basic x"]) {
    const response = await fetch(server.url + "/api/v1/followup", { headers: { Authorization: token } });
    assert.equal(response.status, 401, token);
    assert.deepEqual(await response.json(), { error: "unknown receipt or expired session" });
    const message = await post("/api/v1/followup/messages", { body: "x" }, { Authorization: token });
    assert.equal(message.status, 401, token);
  }
  const get = await fetch(server.url + "/api/v1/reports");
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
});

test("wrong receipts get one generic answer and are rate limited", async () => {
  const answers = [];
  for (let i = 0; i < 8; i++) {
    const response = await post("/api/v1/followup", { receipt: `AAAAA-BBBBB-CCCCC-${String(i).padStart(5, "0")}` });
    answers.push(response.status);
    const body = await response.json();
    if (response.status === 401) assert.deepEqual(body, { error: "unknown receipt or expired session" });
    if (response.status === 429) assert.match(body.error, /too many attempts/);
  }
  // 6 attempts an hour; the first test used one
  assert.deepEqual(answers, [401, 401, 401, 401, 401, 429, 429, 429]);
  const malformed = await post("/api/v1/followup", { receipt: 5 });
  assert.equal(malformed.status, 429, "still limited, whatever is sent");
});

test("the database files and the logs hold no report text and nothing about the client", async () => {
  const files = server.storedBytes();
  // the stored rows are there (forms are kept in clear), so the search below searches them
  assert.ok(files.some(({ bytes }) => bytes.includes("labour")));
  const forbidden = ["Fatima", "magazijn", "Rotterdam-Zuid", "06-12345678", "Ze is nu ziek", "Bedankt. Een collega",
    "127.0.0.1", agent];
  for (const { name, bytes } of files) {
    for (const text of forbidden) {
      assert.equal(bytes.indexOf(Buffer.from(text)), -1, `${name} contains ${text}`);
      // a dump shows bytea as hex
      assert.equal(bytes.indexOf(Buffer.from(Buffer.from(text).toString("hex"))), -1, `${name} contains ${text} (hex)`);
    }
  }
  const log = server.output();
  for (const text of forbidden.filter((t) => t !== "127.0.0.1")) assert.doesNotMatch(log, new RegExp(text));
  assert.deepEqual(log.split("\n").filter((line) => line.includes("127.0.0.1") && !line.startsWith("meldwijzer: serving on")), []);
});
