// The back office over HTTP (issue 14): accounts made with the CLI, activated through the pages with
// codes from oathtool, the route x role matrix, TOTP replay, lockout, CSRF and cross-site posts,
// logout, the analyst refused (on the audit log), the cookie's attributes, no-store and noindex, and
// the admin's pages (accounts, a new account with its one-time code, disable, reset 2FA, audit log).
import { test as nodeTest, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fetchOnLiveSocket, startServer, binary } from "../support.mjs";

let server;
const password = "Zeven zwanen zwemmen zacht door de Maas";

// Under valgrind (make check VALGRIND=1) every activation and login runs argon2id (3 passes over 64 MiB)
// fifty times slower, and this file's dozens of them pass the runner's time budget per file. There it is left
// out; the staff code under valgrind is still reached by tests/http/cases.test.mjs (sign-in, sessions,
// the router's role and CSRF checks), and this file runs in make check and under ASan+UBSan.
const underValgrind = /valgrind/.test(process.env.MELDWIJZER_WRAPPER || "");
const skipReason = underValgrind && "argon2id under valgrind: too slow for the runner's time budget (see the comment above)";
const test = (name, fn) => nodeTest(name, { skip: skipReason }, fn);

after(async () => { if (server) assert.equal(await server.stop(), 0); });

// ---------- helpers ----------

function userCli(srv, args) {
  return execFileSync(binary, ["user", ...args, ...srv.dbArgs], { input: `${srv.recoveryKey}\n` }).toString();
}

// A pending account made with the CLI (the recovery key on stdin): its activation code.
function addUser(srv, name, roles) {
  const output = userCli(srv, ["add", name, ...roles.flatMap((role) => ["--role", role])]);
  const code = (output.match(/^ {4}([0-9A-Z]{4}(?:-[0-9A-Z]{4}){5})$/m) || [])[1];
  assert.ok(code, output);
  return code;
}

// The TOTP code for now (+ `steps` x 30 s), as an authenticator app would show it.
function totp(secret, steps = 0) {
  const at = Math.floor(Date.now() / 1000) + steps * 30;
  return execFileSync("oathtool", ["--totp", "-b", "-N", `@${at}`, secret]).toString().trim();
}

async function get(srv, path, cookie) {
  return fetchOnLiveSocket(srv.url + path, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
}

async function post(srv, path, fields, { cookie, site = "same-origin" } = {}) {
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  if (site) headers["Sec-Fetch-Site"] = site;
  if (cookie) headers.Cookie = cookie;
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const one of [].concat(value)) body.append(key, one);
  }
  return fetch(srv.url + path, { method: "POST", redirect: "manual", headers, body });
}

// The value of the form field `name` (hidden or typed) as the page has it.
function hidden(html, name) {
  const match = html.match(new RegExp(`<input[^>]* name="${name}"[^>]* value="([^"]*)"`));
  return match ? match[1] : undefined;
}

async function formToken(srv, path = "/team/") {
  return hidden(await (await get(srv, path)).text(), "csrf");
}

// Step 1 (name + activation code) of /team/activeren: the enrolment page.
async function activationStep1(srv, name, code, prefix = "") {
  const csrf = await formToken(srv, `${prefix}/team/${prefix ? "activate" : "activeren"}`);
  return post(srv, `${prefix}/team/${prefix ? "activate" : "activeren"}`, { csrf, step: "code", name, activation: code });
}

function enrolFields(html, extra) {
  return { csrf: hidden(html, "csrf"), step: "enrol", name: hidden(html, "name"), activation: hidden(html, "activation"),
    secret: hidden(html, "secret"), ...extra };
}

// Activates through the pages; returns the TOTP secret the page made.
async function activate(srv, name, code) {
  const step1 = await activationStep1(srv, name, code);
  assert.equal(step1.status, 200);
  const html = await step1.text();
  const secret = hidden(html, "secret");
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const done = await post(srv, "/team/activeren",
    enrolFields(html, { password, password_again: password, code: totp(secret) }));
  assert.equal(done.status, 200, await done.clone().text());
  assert.match(await done.text(), /Je account is klaar/);
  return secret;
}

function sessionCookie(response) {
  const header = response.headers.get("set-cookie") || "";
  const match = header.match(/^((?:__Host-)?team=[0-9a-f]{64});/);
  return match ? match[1] : undefined;
}

async function login(srv, name, secret, { steps = 1, code } = {}) {
  const csrf = await formToken(srv);
  return post(srv, "/team/inloggen", { csrf, name, password, code: code || totp(secret, steps) });
}

// An account made with the CLI, activated and signed in: {name, secret, cookie}.
async function signedIn(srv, name, roles) {
  const secret = await activate(srv, name, addUser(srv, name, roles));
  const response = await login(srv, name, secret);
  assert.equal(response.status, 303);
  const setCookie = response.headers.get("set-cookie");
  const cookie = sessionCookie(response);
  assert.ok(cookie, setCookie);
  return { name, secret, cookie, setCookie, csrf: hidden(await (await get(srv, "/team/", cookie)).text(), "csrf") };
}

function auditVerify(srv) {
  return spawnSync(binary, ["audit", ...srv.dbArgs, "verify"]);
}

// ---------- accounts for the matrix ----------

const who = {};
before(async () => {
  if (underValgrind)
    return;
  server = await startServer("[limits]\nreceipt_attempts_per_hour = 200\n");
  who.caseworker = await signedIn(server, "casus.werker", ["caseworker"]);
  who.coordinator = await signedIn(server, "coordinator", ["coordinator"]);
  who.analyst = await signedIn(server, "analist", ["analyst"]);
  who.admin = await signedIn(server, "beheer", ["admin"]);
});

// ---------- the route x role matrix ----------

// Every staff route, with what is sent, and the status for: no session, caseworker, coordinator,
// analyst, admin. 401 is the sign-in form; 403 a role that does not reach (on the audit log).
// POST fields carry the session's CSRF token (or the form token on the open routes).
const matrix = [
  // method  path (nl)                      path (en)                     fields          none  cw   co   an   admin
  ["GET",  "/team/",                     "/en/team/",                    null,            200, 200, 200, 200, 200],
  ["POST", "/team/inloggen",             "/en/team/sign-in",             "form",          401, 401, 401, 401, 401],
  ["GET",  "/team/activeren",            "/en/team/activate",            null,            200, 200, 200, 200, 200],
  ["POST", "/team/activeren",            "/en/team/activate",            "form",          400, 400, 400, 400, 400],
  ["GET",  "/team/accounts",             "/en/team/accounts",            null,            401, 403, 403, 403, 200],
  ["GET",  "/team/accounts/nieuw",       "/en/team/accounts/new",        null,            401, 403, 403, 403, 200],
  ["POST", "/team/accounts/nieuw",       "/en/team/accounts/new",        "session",       401, 403, 403, 403, 400],
  ["POST", "/team/accounts/uitzetten",   "/en/team/accounts/disable",    "session",       401, 403, 403, 403, 404],
  ["POST", "/team/accounts/2fa-opnieuw", "/en/team/accounts/reset-2fa",  "session",       401, 403, 403, 403, 404],
  ["GET",  "/team/logboek",              "/en/team/audit-log",           null,            401, 403, 403, 403, 200],
  // ends the session (each cell gets a fresh account of its role)
  ["POST", "/team/uitloggen",            "/en/team/sign-out",            "session",       401, 303, 303, 303, 303],
];
const roles = [null, "caseworker", "coordinator", "analyst", "admin"];

test("route x role matrix: every staff route, every role and no session, in both languages", async () => {
  const seen = [];
  const expected = [];
  for (const [method, pathNl, pathEn, fields, ...statuses] of matrix) {
    for (const path of [pathNl, pathEn]) {
      for (let r = 0; r < roles.length; r++) {
        // the logout row ends the session: a fresh account of that role for each cell
        const account = !roles[r] ? null
          : path.endsWith("/team/uitloggen") || path.endsWith("/team/sign-out")
            ? await signedIn(server, `uit.${roles[r]}.${path.startsWith("/en") ? "en" : "nl"}`, [roles[r]])
            : who[roles[r]];
        let response;
        if (method === "GET") {
          response = await get(server, path, account && account.cookie);
        } else {
          const body = fields === "form" ? { csrf: await formToken(server) }
            : { csrf: account ? account.csrf : "x", name: "niemand" };
          response = await post(server, path, body, { cookie: account && account.cookie });
        }
        seen.push(`${method} ${path} ${roles[r] || "none"} -> ${response.status}`);
        expected.push(`${method} ${path} ${roles[r] || "none"} -> ${statuses[r]}`);
      }
    }
  }
  assert.deepEqual(seen, expected);
});

// ---------- activation ----------

test("activation: a weak password's reason in the page's language, the name kept; wrong code; then active", async () => {
  const code = addUser(server, "nieuwe.collega", ["analyst"]);
  const step1 = await activationStep1(server, " Nieuwe.Collega ", code);
  assert.equal(step1.status, 200);
  assert.equal(step1.headers.get("cache-control"), "no-store");
  const html = await step1.text();
  assert.equal(hidden(html, "name"), "nieuwe.collega");
  assert.match(html, /<svg[^>]+class="qr"[^>]+role="img"/);
  const secret = hidden(html, "secret");
  assert.ok(html.includes(secret.match(/.{4}/g).join(" ")), "the key is shown in groups to type");

  const weak = await post(server, "/team/activeren",
    enrolFields(html, { password: "wachtwoord", password_again: "wachtwoord", code: totp(secret) }));
  assert.equal(weak.status, 400);
  const weakHtml = await weak.text();
  assert.match(weakHtml, /<main id="main">\s*<section class="error-summary"/);
  assert.match(weakHtml, /href="#password"/);
  assert.equal(hidden(weakHtml, "name"), "nieuwe.collega");
  assert.equal(hidden(weakHtml, "secret"), secret, "the same secret: the app stays right");
  assert.doesNotMatch(weakHtml, /value="wachtwoord"/, "a password is never shown back");

  // the English page gives the reason in English
  const step1En = await activationStep1(server, "nieuwe.collega", code, "/en");
  const htmlEn = await step1En.text();
  const weakEn = await post(server, "/en/team/activate",
    enrolFields(htmlEn, { password: "wachtwoord", password_again: "wachtwoord", code: totp(hidden(htmlEn, "secret")) }));
  assert.equal(weakEn.status, 400);
  const reasonEn = (await weakEn.text()).match(/<p class="error" id="password-error">([^<]*)</)[1];
  const reasonNl = weakHtml.match(/<p class="error" id="password-error">([^<]*)</)[1];
  assert.notEqual(reasonEn, reasonNl);
  assert.match(reasonEn, /password|characters|dictionary/i);

  const mismatch = await post(server, "/team/activeren",
    enrolFields(html, { password, password_again: `${password}!`, code: totp(secret) }));
  assert.equal(mismatch.status, 400);
  assert.match(await mismatch.text(), /href="#password_again"/);

  const wrongTotp = await post(server, "/team/activeren",
    enrolFields(html, { password, password_again: password, code: totp(secret) === "000000" ? "111111" : "000000" }));
  assert.equal(wrongTotp.status, 400);
  assert.match(await wrongTotp.text(), /href="#code"/);

  const wrongCode = await post(server, "/team/activeren",
    enrolFields(html, { password, password_again: password, code: totp(secret),
      activation: "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA" }));
  assert.equal(wrongCode.status, 400);
  const wrongCodeHtml = await wrongCode.text();
  assert.match(wrongCodeHtml, /name="step" value="code"/, "back to step 1");
  assert.equal(hidden(wrongCodeHtml, "name"), "nieuwe.collega");
  assert.equal(hidden(wrongCodeHtml, "secret"), secret);

  const done = await post(server, "/team/activeren",
    enrolFields(html, { password, password_again: password, code: totp(secret) }));
  assert.equal(done.status, 200);
  assert.equal(done.headers.get("location"), null);
  // the code is spent
  const again = await post(server, "/team/activeren",
    enrolFields(html, { password, password_again: password, code: totp(secret, 1) }));
  assert.equal(again.status, 400);
  assert.match(userCli(server, ["list"]), /^nieuwe\.collega\s+analyst\s+active /m);
  const signedInResponse = await login(server, "nieuwe.collega", secret);
  assert.equal(signedInResponse.status, 303);
});

test("activation step 1: a name or code that cannot be one is refused with the typed text kept", async () => {
  const csrf = await formToken(server, "/team/activeren");
  const response = await post(server, "/team/activeren", { csrf, step: "code", name: "Anna de Vries", activation: "abc" });
  assert.equal(response.status, 400);
  const html = await response.text();
  assert.match(html, /href="#name"/);
  assert.match(html, /href="#activation"/);
  assert.equal(hidden(html, "name"), "Anna de Vries");
  assert.equal(hidden(html, "activation"), "abc");
  const expired = await post(server, "/team/activeren", { csrf: "0".repeat(32), step: "code", name: "x", activation: "y" });
  assert.equal(expired.status, 403);
});

// ---------- signing in ----------

test("the session cookie: __Host-, Secure, HttpOnly, SameSite=Strict, Path=/ (https public URL)", async () => {
  const header = (await signedIn(server, "koekje", ["analyst"])).setCookie;
  assert.match(header, /^__Host-team=[0-9a-f]{64}; /);
  const attributes = header.split(";").slice(1).map((part) => part.trim());
  assert.deepEqual(attributes.sort(), ["HttpOnly", "Path=/", "SameSite=Strict", "Secure"]);
});

test("the session cookie on a loopback http URL keeps __Host- and Secure; elsewhere on http it cannot", async () => {
  for (const [url, secure] of [["http://127.0.0.1:8080", true], ["http://team.example.org", false]]) {
    const other = await startServer(`public_base_url = ${url}\n`);
    try {
      const secret = await activate(other, "lus", addUser(other, "lus", ["analyst"]));
      const header = (await login(other, "lus", secret)).headers.get("set-cookie");
      if (secure) assert.match(header, /^__Host-team=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
      else assert.match(header, /^team=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
    } finally {
      assert.equal(await other.stop(), 0);
    }
  }
});

test("a TOTP code is accepted once: the same code again is refused", async () => {
  const secret = await activate(server, "herhaal", addUser(server, "herhaal", ["analyst"]));
  const code = totp(secret, 1);
  const first = await login(server, "herhaal", secret, { code });
  assert.equal(first.status, 303);
  const replay = await login(server, "herhaal", secret, { code });
  assert.equal(replay.status, 401);
  assert.equal(sessionCookie(replay), undefined);
  assert.match(await replay.text(), /Inloggen lukte niet/);
});

test("logout ends the session: the old cookie no longer works", async () => {
  const account = await signedIn(server, "weg.ermee", ["admin"]);
  assert.equal((await get(server, "/team/accounts", account.cookie)).status, 200);
  const out = await post(server, "/team/uitloggen", { csrf: account.csrf }, { cookie: account.cookie });
  assert.equal(out.status, 303);
  assert.match(out.headers.get("set-cookie"), /Max-Age=0/);
  const after = await get(server, "/team/accounts", account.cookie);
  assert.equal(after.status, 401);
  assert.match(await after.text(), /name="password"/);
});

test("CSRF missing or wrong, and a cross-site post, are refused (403) and change nothing", async () => {
  const admin = who.admin;
  const attempts = [
    [{ name: "zonder.token", role: "analyst" }, "same-origin"],
    [{ name: "fout.token", role: "analyst", csrf: "0".repeat(64) }, "same-origin"],
    [{ name: "andere.site", role: "analyst", csrf: admin.csrf }, "cross-site"],
  ];
  for (const [fields, site] of attempts) {
    const response = await post(server, "/team/accounts/nieuw", fields, { cookie: admin.cookie, site });
    assert.equal(response.status, 403, fields.name);
  }
  const list = userCli(server, ["list"]);
  for (const [fields] of attempts) assert.doesNotMatch(list, new RegExp(`^${fields.name} `, "m"));
  // the same form with the token and from this site works
  const ok = await post(server, "/team/accounts/nieuw", { name: "met.token", role: "analyst", csrf: admin.csrf },
    { cookie: admin.cookie });
  assert.equal(ok.status, 200);
});

// ---------- the analyst, the audit log ----------

test("an analyst asking for an admin URL gets 403, on the audit log (CLI verify and the audit page)", async () => {
  const analyst = who.analyst;
  for (const path of ["/team/accounts", "/team/logboek", "/en/team/accounts/new"]) {
    const response = await get(server, path, analyst.cookie);
    assert.equal(response.status, 403, path);
  }
  const verified = auditVerify(server);
  assert.equal(verified.status, 0, verified.stderr.toString());
  assert.match(verified.stdout.toString(), /intact/);
  const page = await get(server, "/team/logboek?account=analist&action=denied", who.admin.cookie);
  assert.equal(page.status, 200);
  const html = await page.text();
  const rows = [...html.matchAll(/<tr><td[^>]*>(\d+)<\/td><td[^>]*>[^<]*<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g)];
  assert.ok(rows.length >= 3);
  for (const row of rows) assert.equal(row[2], "analist");
  assert.ok(rows.some((row) => row[4] === "/team/logboek"));
  assert.ok(rows.some((row) => row[4] === "/team/accounts/nieuw"));
  const numbers = rows.map((row) => Number(row[1]));
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), "newest first");
  // the head the CLI prints is on the page
  const head = execFileSync(binary, ["audit", ...server.dbArgs, "head"]).toString().match(/[0-9a-f]{64}/)[0];
  const headOnPage = (await (await get(server, "/team/logboek", who.admin.cookie)).text()).match(/team-hash">([0-9a-f]{64})</)[1];
  assert.equal(headOnPage, head);
});

test("audit page: paged newest first, filters by account, action and day, bad filters explained", async () => {
  const admin = who.admin;
  for (let i = 0; i < 55; i++) await get(server, "/team/accounts", who.caseworker.cookie);
  const numbersOn = async (query) => {
    const response = await get(server, `/team/logboek${query}`, admin.cookie);
    const html = await response.text();
    return { status: response.status, html, numbers: [...html.matchAll(/<tr><td data-label="[^"]*">(\d+)<\/td>/g)].map((m) => Number(m[1])) };
  };
  const first = await numbersOn("?account=casus.werker&action=denied");
  assert.equal(first.numbers.length, 50);
  assert.match(first.html, /Pagina 1 van \d+/);
  assert.match(first.html, /href="\/team\/logboek\?account=casus.werker&amp;action=denied&amp;from=&amp;to=&amp;page=2"/);
  const second = await numbersOn("?account=casus.werker&action=denied&page=2");
  assert.ok(second.numbers.length >= 5);
  assert.ok(Math.min(...first.numbers) > Math.max(...second.numbers), "page 2 holds older entries");
  for (const { numbers } of [first, second]) assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), "newest first");
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(new Date());
  const byDay = await numbersOn(`?action=account_activated&from=${today}&to=${today}`);
  assert.ok(byDay.numbers.length >= 4);
  const past = await numbersOn("?from=2020-01-01&to=2020-01-02");
  assert.equal(past.numbers.length, 0);
  assert.match(past.html, /Geen regels gevonden/);
  const bad = await numbersOn("?from=30-11-2026&account=Robert%20Tables&to=2020-01-01");
  assert.equal(bad.status, 400);
  assert.match(bad.html, /href="#from"/);
  assert.match(bad.html, /href="#account"/);
});

// ---------- admin pages ----------

test("admin: accounts list, a new account with its one-time code (usable), disable and reset 2FA", async () => {
  const admin = who.admin;
  const list = await (await get(server, "/team/accounts", admin.cookie)).text();
  assert.match(list, /<h2>analist<\/h2>/);
  assert.match(list, /analist[\s\S]*?actief/);

  // an admin without a content role cannot make a caseworker: said plainly, nothing made
  const refused = await post(server, "/team/accounts/nieuw", { csrf: admin.csrf, name: "Nieuw.Lid", role: "caseworker" },
    { cookie: admin.cookie });
  assert.equal(refused.status, 400);
  const refusedHtml = await refused.text();
  assert.match(refusedHtml, /herstelsleutel/);
  assert.equal(hidden(refusedHtml, "name"), "nieuw.lid");
  assert.match(refusedHtml, /id="role-caseworker" name="role" value="caseworker" checked/);

  // an admin who is also a caseworker can; the code works on the activation page
  const boss = await signedIn(server, "baas", ["admin", "caseworker"]);
  const made = await post(server, "/en/team/accounts/new", { csrf: boss.csrf, name: "nieuw.lid", role: ["caseworker", "analyst"] },
    { cookie: boss.cookie });
  assert.equal(made.status, 200);
  assert.equal(made.headers.get("cache-control"), "no-store");
  const madeHtml = await made.text();
  const code = madeHtml.match(/id="activation-code">([0-9A-Z-]+)</)[1];
  assert.match(madeHtml, /https:\/\/meldwijzer\.example\/team\/activeren/);
  assert.match(madeHtml, /https:\/\/meldwijzer\.example\/en\/team\/activate/);
  assert.match(userCli(server, ["list"]), /^nieuw\.lid\s+caseworker,analyst\s+pending /m);
  const taken = await post(server, "/team/accounts/nieuw", { csrf: boss.csrf, name: "nieuw.lid", role: "analyst" },
    { cookie: boss.cookie });
  assert.equal(taken.status, 409);
  const member = { name: "nieuw.lid", secret: await activate(server, "nieuw.lid", code) };
  const memberLogin = await login(server, member.name, member.secret);
  assert.equal(memberLogin.status, 303);
  member.cookie = sessionCookie(memberLogin);

  // disable: a question first, then the account and its session end at once
  const ask = await post(server, "/team/accounts/uitzetten", { csrf: admin.csrf, name: "nieuw.lid" }, { cookie: admin.cookie });
  assert.equal(ask.status, 200);
  assert.match(await ask.text(), /name="confirm" value="yes"/);
  assert.equal((await get(server, "/team/", member.cookie)).status, 200);
  const disabled = await post(server, "/team/accounts/uitzetten", { csrf: admin.csrf, name: "nieuw.lid", confirm: "yes" },
    { cookie: admin.cookie });
  assert.equal(disabled.status, 303);
  assert.equal(disabled.headers.get("location"), "/team/accounts?done=disabled");
  assert.match(await (await get(server, "/team/accounts?done=disabled", admin.cookie)).text(), /role="status">Het account is uitgezet/);
  assert.match(await (await get(server, "/team/", member.cookie)).text(), /name="password"/, "signed out at once");
  assert.match(userCli(server, ["list"]), /^nieuw\.lid\s+\S+\s+disabled /m);

  // an admin cannot change their own account here
  const self = await post(server, "/team/accounts/uitzetten", { csrf: admin.csrf, name: "beheer", confirm: "yes" },
    { cookie: admin.cookie });
  assert.equal(self.status, 400);

  // reset 2FA of an analyst: a new code; the old password and app no longer sign in, the session ends
  const resetMe = await signedIn(server, "herstel.me", ["analyst"]);
  const resetAsk = await post(server, "/team/accounts/2fa-opnieuw", { csrf: admin.csrf, name: "herstel.me" }, { cookie: admin.cookie });
  assert.equal(resetAsk.status, 200);
  const reset = await post(server, "/team/accounts/2fa-opnieuw", { csrf: admin.csrf, name: "herstel.me", confirm: "yes" },
    { cookie: admin.cookie });
  assert.equal(reset.status, 200);
  assert.match(await reset.text(), /id="activation-code">[0-9A-Z]{4}(-[0-9A-Z]{4}){5}</);
  assert.match(userCli(server, ["list"]), /^herstel\.me\s+analyst\s+pending /m);
  assert.match(await (await get(server, "/team/", resetMe.cookie)).text(), /name="password"/, "signed out at once");
  const oldLogin = await login(server, resetMe.name, resetMe.secret, { steps: 0 });
  assert.equal(oldLogin.status, 401);
  // a content-role account needs the team secret: refused for the admin without one
  const resetCaseworker = await post(server, "/team/accounts/2fa-opnieuw",
    { csrf: admin.csrf, name: "casus.werker", confirm: "yes" }, { cookie: admin.cookie });
  assert.equal(resetCaseworker.status, 403);
  assert.match(await resetCaseworker.text(), /herstelsleutel/);

  const verified = auditVerify(server);
  assert.equal(verified.status, 0);
  const log = await (await get(server, "/team/logboek?account=beheer", admin.cookie)).text();
  assert.match(log, /account uitgezet<\/td><td[^>]*>nieuw\.lid/);
  assert.match(log, /nieuwe activeringscode<\/td><td[^>]*>herstel\.me/);
});

test("every team page: Cache-Control no-store and noindex", async () => {
  const admin = who.admin;
  const paths = ["/team/", "/team/activeren", "/team/accounts", "/team/accounts/nieuw", "/team/logboek",
    "/en/team/", "/en/team/activate", "/en/team/accounts", "/en/team/accounts/new", "/en/team/audit-log"];
  for (const path of paths) {
    for (const cookie of [undefined, admin.cookie]) {
      const response = await get(server, path, cookie);
      assert.equal(response.headers.get("cache-control"), "no-store", path);
      assert.match(await response.text(), /<meta name="robots" content="noindex, nofollow, noarchive">/, path);
    }
  }
});

test("every team page is valid HTML (Nu Html Checker), also with problems and secrets on it", async () => {
  const admin = who.admin;
  const pages = {};
  for (const address of ["/team/", "/en/team/activate", "/team/accounts", "/en/team/accounts/new", "/team/logboek",
    "/team/logboek?from=2026-02-30", "/en/team/audit-log?account=casus.werker&page=1"]) {
    pages[address] = await (await get(server, address, admin.cookie)).text();
  }
  pages.signIn = await (await get(server, "/team/")).text();
  const step1 = await activationStep1(server, "html.check", addUser(server, "html.check", ["analyst"]));
  pages.enrol = await step1.text();
  pages.enrolProblem = await (await post(server, "/team/activeren",
    enrolFields(pages.enrol, { password: "kort", password_again: "anders", code: "" }))).text();
  pages.activationProblem = await (await post(server, "/team/activeren",
    { csrf: await formToken(server), step: "code", name: "", activation: "" })).text();
  pages.newProblem = await (await post(server, "/team/accounts/nieuw", { csrf: admin.csrf, name: "", role: "caseworker" },
    { cookie: admin.cookie })).text();
  pages.code = await (await post(server, "/team/accounts/nieuw", { csrf: admin.csrf, name: "html.code", role: "admin" },
    { cookie: admin.cookie })).text();
  pages.confirm = await (await post(server, "/en/team/accounts/reset-2fa", { csrf: admin.csrf, name: "html.check" },
    { cookie: admin.cookie })).text();
  const dir = mkdtempSync(path.join(tmpdir(), "meldwijzer-team-html-"));
  const files = Object.entries(pages).map(([name, body], i) => {
    const file = path.join(dir, `${i}-${name.replace(/[^a-z0-9]+/gi, "_")}.html`);
    writeFileSync(file, body);
    return file;
  });
  const jar = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "..", "node_modules", "vnu-jar",
    "build", "dist", "vnu.jar");
  const checked = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "text", ...files]);
  const output = `${checked.stdout}${checked.stderr}`;
  assert.equal(checked.status, 0, output);
  assert.doesNotMatch(output, /^Error/m, output);
  assert.match(output, /No errors found/);
});

// ---------- lockout (last: failures count per client too) ----------

test("lockout after repeated failures; the message never says which part was wrong", async () => {
  const secret = await activate(server, "slot", addUser(server, "slot", ["analyst"]));
  const csrf = await formToken(server);
  const attempts = [
    { name: "slot", password: "Niet het goede wachtwoord", code: totp(secret, 1) },
    { name: "slot", password, code: totp(secret, 1) === "123456" ? "654321" : "123456" },
    { name: "slot", password: "Niet het goede wachtwoord", code: "000000" },
    { name: "slot", password, code: "12345" },
    { name: "slot", password: "Nog een verkeerd wachtwoord", code: totp(secret, 1) },
  ];
  // empty fields: the same answer (no argon2id work is spent on them, and they are not counted)
  const empty = await post(server, "/team/inloggen", { csrf, name: "slot", password: "", code: "" });
  assert.equal(empty.status, 401);
  const messages = new Set([(await empty.text()).match(/<p class="error" id="login-error">([^<]*)</)[1]]);
  for (const fields of attempts) {
    const response = await post(server, "/team/inloggen", { csrf, ...fields });
    assert.equal(response.status, 401);
    messages.add((await response.text()).match(/<p class="error" id="login-error">([^<]*)</)[1]);
  }
  const unknown = await post(server, "/team/inloggen", { csrf, name: "bestaat.niet", password, code: "123456" });
  assert.equal(unknown.status, 401);
  messages.add((await unknown.text()).match(/<p class="error" id="login-error">([^<]*)</)[1]);
  assert.equal(messages.size, 1, [...messages].join(" | "));
  // now even the right password and code wait
  const locked = await login(server, "slot", secret);
  assert.equal(locked.status, 429);
  assert.ok(Number(locked.headers.get("retry-after")) > 0);
  assert.equal(sessionCookie(locked), undefined);
  assert.match(await locked.text(), /Te veel mislukte pogingen/);
});
