// Every receipt that was handed out still opens its report after the server is
// killed with SIGKILL in the middle of concurrent submissions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../support.mjs";

test("acknowledged reports survive SIGKILL during concurrent submissions", async () => {
  const server = await startServer("[limits]\nsubmissions_per_hour = 1000\nreceipt_attempts_per_hour = 1000\n");
  const acknowledged = [];
  let stop = false;
  async function submitter(worker) {
    for (let i = 0; !stop && i < 200; i++) {
      const what = `durability report ${worker}-${i}`;
      try {
        const response = await fetch(server.url + "/api/v1/reports", { method: "POST",
          headers: { "Content-Type": "application/json" }, body: JSON.stringify({ what }) });
        if (response.status === 201) acknowledged.push({ what, receipt: (await response.json()).receipt });
      } catch {
        return; // the server was killed mid-request: that report was never acknowledged
      }
    }
  }
  const workers = Array.from({ length: 8 }, (_, w) => submitter(w));
  while (acknowledged.length < 12) await new Promise((resolve) => setTimeout(resolve, 20));
  server.kill();
  stop = true;
  await Promise.all(workers);
  assert.ok(acknowledged.length >= 12);

  const restarted = await startServer("[limits]\nreceipt_attempts_per_hour = 1000\n", server);
  for (const { what, receipt } of acknowledged) {
    const login = await fetch(restarted.url + "/api/v1/followup", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ receipt }) });
    assert.equal(login.status, 200, `receipt ${receipt} opens after the restart`);
    const { token } = await login.json();
    const report = await (await fetch(restarted.url + "/api/v1/followup",
      { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.equal(report.what, what);
  }
  assert.equal(await restarted.stop(), 0);
});
