// Issue 12: two servers on one database, clients submitting through both at once, and one server
// killed with SIGKILL in the middle of it. Every receipt a client received (from either server, the
// killed one included) opens its report through the server that is left, with the text it was sent
// with; the one left keeps taking reports meanwhile. make check runs this on PostgreSQL
// (MELDWIJZER_TEST_DB); without it the same runs on one SQLite file shared by two processes.
// (durability.test.mjs is the one-server version; tests/unit/test_shutdown.c the SIGTERM one.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startServer } from "../support.mjs";

const limits = "[limits]\nsubmissions_per_hour = 100000\nreceipt_attempts_per_hour = 100000\n";

test("SIGKILL one of two servers during concurrent submissions: every receipt opens on the other", async () => {
  const victim = await startServer(limits);
  const survivor = await startServer(limits, victim); // the same database and key file
  try {
    await killOneAndCheck(victim, survivor);
  } finally {
    victim.kill(); // a failed check must not leave servers running (the test would never end)
    await survivor.stop();
  }
});

async function killOneAndCheck(victim, survivor) {
  const acknowledged = [];
  const survivorAfterKill = [];
  let killed = false;
  let stop = false;

  async function submitter(server, worker) {
    for (let i = 0; !stop && i < 400; i++) {
      const what = `twee servers, kill ${server.port}-${worker}-${i}`;
      const sentAfterKill = killed;
      try {
        const response = await fetch(server.url + "/api/v1/reports", { method: "POST",
          headers: { "Content-Type": "application/json" }, body: JSON.stringify({ what }) });
        if (response.status === 201) {
          const entry = { what, receipt: (await response.json()).receipt, from: server.port };
          acknowledged.push(entry);
          if (server === survivor && sentAfterKill) survivorAfterKill.push(entry);
        } else {
          assert.ok(response.status >= 500 || response.status === 429, `unexpected ${response.status}`);
        }
      } catch {
        if (server === victim) return; // killed mid-request: that report was never acknowledged
        throw new Error(`the surviving server failed a request (${what})`);
      }
    }
  }

  const workers = [];
  for (let w = 0; w < 6; w++) workers.push(submitter(victim, w), submitter(survivor, w));
  const fromVictim = () => acknowledged.filter((entry) => entry.from === victim.port).length;
  for (const started = Date.now(); fromVictim() < 20 && Date.now() - started < 60000;) await sleep(10);
  assert.ok(fromVictim() >= 20, "the victim acknowledged reports before it was killed");
  victim.kill(); // SIGKILL, in the middle of the submissions through both
  killed = true;
  // the survivor goes on taking reports while the other is gone
  for (const started = Date.now(); survivorAfterKill.length < 10 && Date.now() - started < 60000;) await sleep(10);
  stop = true;
  await Promise.all(workers);
  assert.ok(survivorAfterKill.length >= 10, "the survivor stored reports after the kill");

  for (const { what, receipt, from } of acknowledged) {
    const login = await fetch(survivor.url + "/api/v1/followup", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt }) });
    assert.equal(login.status, 200, `receipt ${receipt} (acknowledged by the server on port ${from}) opens on the survivor`);
    const { token } = await login.json();
    const report = await (await fetch(survivor.url + "/api/v1/followup",
      { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.equal(report.what, what);
  }
  assert.equal(await survivor.stop(), 0);
}
