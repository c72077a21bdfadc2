// Issue 10, point 4 over HTTP: the receipt file and the "I have saved it" step take the code only by
// POST, from this site, in the receipt's own format; they store nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../support.mjs";

let server;
before(async () => { server = await startServer("[server]\n"); });
after(async () => { assert.equal(await server.stop(), 0); });

function post(address, body, headers = {}) {
  return fetch(server.url + address, { method: "POST", body: new URLSearchParams(body).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", ...headers } });
}

test("the receipt file: text/plain, an attachment, no-store, in the receipt's format", async () => {
  const file = await post("/en/melden/code", { code: "abcde fghjk-mnpqr-stvwx" });
  assert.equal(file.status, 200);
  assert.equal(file.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(file.headers.get("content-disposition"), 'attachment; filename="code.txt"');
  assert.equal(file.headers.get("cache-control"), "no-store");
  assert.equal(file.headers.get("set-cookie"), null);
  const text = await file.text();
  assert.match(text, /^Your code:\n\n {4}ABCDE-FGHJK-MNPQR-STVWX\n/);
  assert.match(text, /https:\/\/meldwijzer\.example\/en\/opvolgen/);
});

test("a code that cannot be a receipt, another site's form or a GET is refused", async () => {
  for (const code of ["", "ABCDE", "<script>alert(1)</script>", "ABCDE-FGHJK-MNPQR-STVWX-ABCDE", "x".repeat(100)]) {
    const response = await post("/melden/code", { code });
    assert.equal(response.status, 400, code);
    assert.equal(response.headers.get("content-disposition"), null);
  }
  const crossSite = await post("/melden/code", { code: "ABCDE-FGHJK-MNPQR-STVWX" }, { "Sec-Fetch-Site": "cross-site" });
  assert.equal(crossSite.status, 400);
  const otherOrigin = await post("/melden/bewaard", { code: "ABCDE-FGHJK-MNPQR-STVWX", saved: "1" }, { Origin: "https://evil.example" });
  assert.equal(otherOrigin.status, 400);
  const get = await fetch(server.url + "/melden/code");
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
});

test("'I have saved it': not ticked shows the receipt again with the question first; ticked ends without the code", async () => {
  const again = await post("/melden/bewaard", { code: "ABCDE-FGHJK-MNPQR-STVWX" });
  assert.equal(again.status, 400);
  const html = await again.text();
  const main = html.split('<main id="main">')[1];
  assert.match(main, /^\s*<section class="error-summary"[^]*<a href="#saved">/);
  assert.match(html, /<span class="receipt-group">ABCDE-<\/span><wbr><span class="receipt-group">FGHJK-<\/span>/);
  const done = await post("/melden/bewaard", { code: "ABCDE-FGHJK-MNPQR-STVWX", saved: "1" });
  assert.equal(done.status, 200);
  const page = await done.text();
  assert.match(page, /Dank je voor je melding/);
  assert.doesNotMatch(page, /ABCDE/);
});
