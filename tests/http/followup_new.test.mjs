// The follow-up marks answers that are new to the reporter (issue 15): the first visit after an
// answer shows it as new ("Nieuw" beside it and a line at the top; "new": true in the JSON), the next
// visit does not, and a second answer is new again. The reporter's own messages are never "new". And
// the status is said in words with what it means for the reporter.
//
// The advice point answers with `meldwijzer reports answer REF` (the recovery key on stdin), which
// stores the same kind of message as the case page's answer box.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, binary, onPostgres } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const form = { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" };
const json = { "Content-Type": "application/json" };
let server;

before(async () => {
  server = await startServer("[limits]\nsubmissions_per_hour = 1000\nreceipt_attempts_per_hour = 1000\n");
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0);
});

async function submit(what) {
  const response = await fetch(`${server.url}/api/v1/reports`, {
    method: "POST", headers: json, body: JSON.stringify({ kind: "report", what, forms: ["labour"] }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).receipt;
}

async function token(receipt) {
  const response = await fetch(`${server.url}/api/v1/followup`, {
    method: "POST", headers: json, body: JSON.stringify({ receipt }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).token;
}

async function readJson(bearer) {
  const response = await fetch(`${server.url}/api/v1/followup`, { headers: { Authorization: `Bearer ${bearer}` } });
  assert.equal(response.status, 200);
  return response.json();
}

function answer(ref, text) {
  execFileSync(binary, ["reports", "answer", ref, ...server.dbArgs, ...server.keyArgs], { input: `${server.recoveryKey}\n${text}\n` });
}

// The follow-up page as the reporter opens it with the receipt.
async function openPage(receipt, prefix = "") {
  const page = await fetch(`${server.url}${prefix}/opvolgen`);
  const csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)[1];
  const response = await fetch(`${server.url}${prefix}/opvolgen`, {
    method: "POST", headers: form, body: new URLSearchParams({ csrf, receipt }),
  });
  assert.equal(response.status, 200);
  return response.text();
}

const newMarks = (html) => (html.match(/<strong class="new-mark">Nieuw<\/strong>/g) || []).length;

test("JSON: an answer is new at the first read after it, not at the next; a second one is new again", async () => {
  const receipt = await submit("Mijn buurvrouw werkt elke nacht in een nagelsalon.");
  const bearer = await token(receipt);
  const empty = await readJson(bearer);
  assert.equal(empty.messages.length, 0);
  assert.equal(empty.new_answers, undefined);

  answer(empty.ref, "Dank je. We nemen contact op met de gemeente.");
  const first = await readJson(bearer);
  assert.equal(first.messages.length, 1);
  assert.equal(first.messages[0].from, "advice_point");
  assert.equal(first.messages[0].new, true);
  assert.equal(first.new_answers, true);
  const again = await readJson(bearer);
  assert.equal(again.messages[0].new, undefined, "shown once: no longer new");
  assert.equal(again.new_answers, undefined);

  // the reporter writes; their own message is never "new", and a later answer is
  const wrote = await fetch(`${server.url}/api/v1/followup/messages`, {
    method: "POST", headers: { ...json, Authorization: `Bearer ${bearer}` }, body: JSON.stringify({ body: "Dank!" }),
  });
  assert.equal(wrote.status, 201);
  const afterOwn = await readJson(bearer);
  assert.deepEqual(afterOwn.messages.map((m) => m.new), [undefined, undefined]);
  answer(empty.ref, "Wil je ons bellen?");
  const second = await readJson(bearer);
  assert.deepEqual(second.messages.map((m) => [m.from, m.new]),
    [["advice_point", undefined], ["reporter", undefined], ["advice_point", true]]);
  // a new login (another device) shares what was shown: the report's, not the session's
  const other = await readJson(await token(receipt));
  assert.deepEqual(other.messages.map((m) => m.new), [undefined, undefined, undefined]);
});

test("the page: \"Nieuw\" beside a new answer and a line at the top, once; the status in words", async () => {
  const receipt = await submit("Er wonen twaalf mannen in één huis bij de haven.");
  const before = await openPage(receipt);
  assert.equal(newMarks(before), 0);
  assert.doesNotMatch(before, /Er is een nieuw antwoord/);
  assert.match(before, /Ontvangen, nog niet beantwoord<br>Je melding is goed aangekomen\. Iemand van het adviespunt gaat hem lezen\./);
  // the kind in one word, true for a call taken by phone as much as for the web form
  assert.match(before, /<dt>Soort<\/dt><dd>Melding<\/dd>/);

  const ref = (await readJson(await token(receipt))).ref;
  answer(ref, "We hebben je melding gelezen en gaan ermee aan de slag.");
  const first = await openPage(receipt);
  assert.equal(newMarks(first), 1);
  assert.match(first, /<strong>Er is een nieuw antwoord van het adviespunt\./);
  assert.match(first, /<strong class="new-mark">Nieuw<\/strong> · Antwoord, /);
  assert.match(first, /In behandeling<br>Iemand van het adviespunt is met je melding bezig\./);
  const second = await openPage(receipt);
  assert.equal(newMarks(second), 0, "the second visit shows nothing as new");
  assert.doesNotMatch(second, /Er is een nieuw antwoord/);

  answer(ref, "Kun je zeggen op welk adres dat is?");
  const english = await openPage(receipt, "/en");
  assert.equal((english.match(/<strong class="new-mark">New<\/strong>/g) || []).length, 1, "only the second answer");
  assert.match(english, /There is a new answer from the advice point/);
  assert.match(english, /Being handled<br>Someone at the advice point is working on your report\./);
});

test("every status has its words and its meaning for the reporter, in both languages", async () => {
  const strings = JSON.parse(readFileSync(path.join(root, "web/strings.json"))).strings;
  for (const status of ["new", "in_progress", "referred", "closed"]) {
    for (const lang of ["nl", "en"]) {
      assert.ok(strings[`followup_status_label_${status}`]?.[lang], `label ${status} ${lang}`);
      assert.ok(strings[`followup_status_means_${status}`]?.[lang].length > 40, `meaning ${status} ${lang}`);
    }
  }
});

test("a closed case says on the page that the advice point no longer acts, and that it will be deleted", async () => {
  const receipt = await submit("Een melding die het adviespunt afsluit.");
  const ref = (await readJson(await token(receipt))).ref;
  // closed by a coordinator's case_set_status (tests/http/purge_job_close.c), a day ago
  const out = path.join(mkdtempSync(path.join(tmpdir(), "meldwijzer-followup-")), "purge_job_close");
  const libs = ["jansson", "libmicrohttpd", "libqrencode", "inih", "libsodium", "sqlite3", "libpq", "liboath",
    "pwquality"];
  const flags = execFileSync("pkg-config", ["--cflags", "--libs", ...libs]).toString().trim().split(/\s+/);
  const sanitize = /sanitize/.test(binary) ? ["-fsanitize=address,undefined"] : [];
  execFileSync("cc", ["-std=c11", ...sanitize, "-I", path.join(root, "src"), path.join(root, "tests/http/purge_job_close.c"),
    path.join(path.dirname(binary), "libmeldwijzer.a"), ...flags, "-lpthread", "-o", out]);
  const keyPath = onPostgres ? path.join(server.dir, "server.key") : `${server.database.replace(/^sqlite:/, "")}.key`;
  execFileSync(out, [server.database, keyPath, path.join(root, "data"), ref, String(Math.floor(Date.now() / 1000) - 86400)]);
  const html = await openPage(receipt);
  assert.match(html, /Afgesloten<br>Het adviespunt doet niets meer met je melding\..*Na een tijd wissen we je melding helemaal\./);
});
