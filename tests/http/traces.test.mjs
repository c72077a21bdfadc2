// Issue 10, point 1 over HTTP: the guide and the signal check take their answers by POST and render
// the result from the body; no page of the site links to an address with answers in it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../support.mjs";

let server;
before(async () => { server = await startServer("fixed_time = 2026-11-27T21:45:00+01:00\n"); });
after(async () => { assert.equal(await server.stop(), 0); });

function post(address, fields) {
  const body = new URLSearchParams();
  for (const [key, value] of fields) body.append(key, value);
  return fetch(server.url + address, { method: "POST", body, redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" } });
}

const guideAnswers = [["danger", "no"], ["about", "other"], ["form", "labour"], ["minor", "no"], ["need", "advice"],
  ["region", "rotterdam"]];

function linksWithAnswers(html) {
  return [...html.matchAll(/(?:href|action)="([^"]*\?[^"]*)"/g)].map((m) => m[1]);
}

test("the guide renders each step and the result from a POST body, without a redirect", async () => {
  for (let n = 0; n <= guideAnswers.length; n++) {
    const response = await post("/wegwijzer", guideAnswers.slice(0, n));
    assert.equal(response.status, 200, `after ${n} answers`);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const html = await response.text();
    assert.deepEqual(linksWithAnswers(html), [], `after ${n} answers: no address with a query`);
    if (n < guideAnswers.length) {
      assert.match(html, new RegExp(`Vraag ${n + 1} van 6`));
      assert.match(html, /<form class="step" method="post" action="\/wegwijzer">/);
      for (const [key, value] of guideAnswers.slice(0, n)) {
        assert.match(html, new RegExp(`<input type="hidden" name="${key}" value="${value}">`));
      }
    } else {
      assert.match(html, /<h1>Dit kun je doen<\/h1>/);
      assert.match(html, /href="tel:/);
      // "previous question" and the language switch are forms that carry the answers
      assert.match(html, /<form class="post-button" method="post" action="\/wegwijzer">[^]*name="need" value="advice"[^]*Vorige vraag<\/button><\/form>/);
      assert.doesNotMatch(html.split("Vorige vraag")[0].split('action="/wegwijzer">').pop(), /name="region"/);
      assert.match(html, /<form class="lang-form" method="post" action="\/en\/wegwijzer">/);
    }
  }
  // sending the same answers again is harmless: the same page
  const again = await (await post("/wegwijzer", guideAnswers)).text();
  const once = await (await post("/wegwijzer", guideAnswers)).text();
  assert.equal(again, once);
});

test("an unanswered step gets an error summary first in <main>, and a title that says so", async () => {
  const html = await (await post("/wegwijzer", [["danger", "no"], ["step", "2"]])).text();
  const main = html.split('<main id="main">')[1];
  assert.match(main, /^\s*<section class="error-summary" id="error-summary" tabindex="-1"/);
  assert.match(main, /<a href="#about-other">Kies een antwoord om verder te gaan\.<\/a>/);
  assert.match(html, /<title>Fout: Wegwijzer \| meldwijzer<\/title>/);
  const en = await (await post("/en/signalen", [["step", "1"]])).text();
  assert.match(en, /<title>Error: Check signals \| meldwijzer<\/title>/);
  assert.match(en, /<a href="#form-sexual">Choose which form of exploitation it is\.<\/a>/);
  assert.match(en, /<a href="#age-minor">Choose whether the person is under 18\.<\/a>/);
});

test("the signal check's steps and result come from POST bodies and link back by POST", async () => {
  const list = await (await post("/signalen", [["step", "1"], ["form", "criminal"], ["age", "minor"]])).text();
  assert.match(list, /<form class="checklist" method="post" action="\/signalen\/uitslag">/);
  assert.match(list, /<form class="post-button" method="post" action="\/signalen">[^]*name="change" value="1"/);
  assert.deepEqual(linksWithAnswers(list), []);
  const result = await post("/signalen/uitslag", [["form", "criminal"], ["age", "minor"], ["signal", "drugs-voor-ander"]]);
  assert.equal(result.status, 200);
  const html = await result.text();
  assert.match(html, /Reden om te melden\./);
  assert.match(html, /<form class="post-button" method="post" action="\/signalen">[^]*name="signal" value="drugs-voor-ander"[^]*Signalen aanpassen/);
  assert.deepEqual(linksWithAnswers(html), []);
  const bad = await post("/signalen/uitslag", [["signal", "no-such-signal"]]);
  assert.equal(bad.status, 400);
  const other = await fetch(server.url + "/wegwijzer", { method: "PUT" });
  assert.equal(other.status, 405);
  assert.equal(other.headers.get("allow"), "GET, HEAD, POST");
  const home = await post("/", [["danger", "no"]]);
  assert.equal(home.status, 405);
  assert.equal(home.headers.get("allow"), "GET, HEAD");
});

test("no page links to an address with answers, even when an old address with answers is opened", async () => {
  for (const address of ["/wegwijzer?danger=no&about=self&form=labour&minor=no&need=advice&region=rotterdam",
    "/signalen?form=labour&age=adult", "/signalen/uitslag?form=labour&age=adult&signal=lange-dagen", "/en/wegwijzer?danger=yes"]) {
    const html = await (await fetch(server.url + address)).text();
    assert.deepEqual(linksWithAnswers(html), [], address);
  }
});
