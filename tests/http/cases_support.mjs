// What the case-work HTTP tests share (cases.test.mjs, cases_work.test.mjs): accounts made by
// `meldwijzer user add` and activated by tests/http/cases_account.c (compiled here against the
// library: the same staff_activate() call, with a TOTP secret the test chose), a login through the
// site's own form with a code from `oathtool`, the case forms with the hidden fields the case page
// gives, the audit log of a case, and reports through the public API.
//
// Each test file sets `cases.server` (startServer) and `cases.activator` (buildActivator) first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomInt } from "node:crypto";
import { binary, fetchOnLiveSocket, onPostgres } from "../support.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const password = "Regen valt zacht op Katendrecht";
export const form = { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" };
export const cases = { server: null, activator: null };

export function buildActivator() {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "meldwijzer-cases-")), "cases_account");
  const libs = ["jansson", "libmicrohttpd", "libqrencode", "inih", "libsodium", "sqlite3", "libpq", "liboath",
    "pwquality"];
  const flags = execFileSync("pkg-config", ["--cflags", "--libs", ...libs]).toString().trim().split(/\s+/);
  // the library beside the binary under test, built with the same sanitizers
  const sanitize = /sanitize/.test(binary) ? ["-fsanitize=address,undefined"] : [];
  execFileSync("cc", ["-std=c11", ...sanitize, "-I", path.join(root, "src"),
    path.join(root, "tests/http/cases_account.c"), path.join(path.dirname(binary), "libmeldwijzer.a"),
    ...flags, "-lpthread", "-o", out]);
  return out;
}

function base32Secret() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return Array.from({ length: 32 }, () => alphabet[randomInt(32)]).join("");
}

// An active account with `roles`, signed in through /team/inloggen: its cookie.
export async function signIn(name, roles) {
  const { server, activator } = cases;
  const roleArgs = roles.flatMap((role) => ["--role", role]);
  const made = execFileSync(binary, ["user", "add", name, ...roleArgs, "--db", server.database],
    { input: `${server.recoveryKey}\n` }).toString();
  const code = made.match(/^ {4}(\S+)$/m)[1];
  const secret = base32Secret();
  execFileSync(activator, [server.database, name, code, password, secret]);
  const loginPage = await (await fetchOnLiveSocket(`${server.url}/team/`)).text();
  const csrf = loginPage.match(/name="csrf" value="([^"]+)"/)[1];
  const totp = execFileSync("oathtool", ["--totp", "-b", secret]).toString().trim();
  const response = await fetch(`${server.url}/team/inloggen`, {
    method: "POST", headers: form, redirect: "manual",
    body: new URLSearchParams({ csrf, name, password, code: totp }),
  });
  assert.equal(response.status, 303, `${name} signs in`);
  const cookie = response.headers.get("set-cookie").split(";")[0];
  assert.match(cookie, /^__Host-team=[0-9a-f]+$/);
  return cookie;
}

export async function get(pathname, cookie) {
  return fetchOnLiveSocket(cases.server.url + pathname, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
}

// A case form as the case page makes it: its hidden fields (csrf, ref, back) from the page itself.
// `fields`: an object, or a list of [key, value] pairs for fields sent more than once (checkboxes).
export async function postCaseForm(cookie, ref, action, fields, pagePrefix = "") {
  const page = await (await get(`${pagePrefix}/team/${pagePrefix ? "case" : "zaak"}?ref=${ref}`, cookie)).text();
  const csrf = page.match(/name="csrf" value="([^"]+)"/)[1];
  const back = page.match(/name="back" value="([^"]+)"/)[1].replaceAll("&amp;", "&");
  const body = new URLSearchParams({ csrf, ref, back });
  for (const [key, value] of Array.isArray(fields) ? fields : Object.entries(fields)) body.append(key, value);
  return fetch(cases.server.url + action, {
    method: "POST", headers: { ...form, Cookie: cookie }, redirect: "manual", body,
  });
}

// The SQL answer of the test's database, one line a row.
export function sql(query) {
  const { server } = cases;
  const output = onPostgres
    ? execFileSync("psql", ["-qAtX", "-c", query, server.database]).toString()
    : execFileSync("sqlite3", [server.database.replace(/^sqlite:/, ""), query]).toString();
  return output.trim().split("\n").filter(Boolean);
}

export function auditEntries(ref) {
  return sql(`SELECT account || ' ' || action FROM audit_log WHERE object = '${ref}' ORDER BY seq`);
}

export async function submitReport(body) {
  const response = await fetch(`${cases.server.url}/api/v1/reports`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  assert.equal(response.status, 201);
  return (await response.json()).receipt;
}

export async function followUp(receipt) {
  const { server } = cases;
  const login = await fetch(`${server.url}/api/v1/followup`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt }),
  });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  const read = await fetch(`${server.url}/api/v1/followup`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(read.status, 200);
  return read.json();
}
