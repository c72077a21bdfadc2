// Logs in with the first COUNT receipts of a file (one per line) at
// POST /api/v1/followup on HOST:PORT and prints one session token per line.
// Each receipt belongs to another report, so no login ends an earlier one
// (a report keeps at most 3 sessions; the server at most 4096 in all).
// Used by bench/run to give bench/message.lua sessions to post messages with.
// Usage: node bench/followup-tokens.mjs HOST PORT RECEIPTS_FILE COUNT
import { readFileSync } from "node:fs";
import http from "node:http";

const [host, port, file, count] = [process.argv[2], Number(process.argv[3]), process.argv[4], Number(process.argv[5])];
const receipts = readFileSync(file, "utf8").split("\n").filter(Boolean).slice(0, count);
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function login(receipt) {
  return new Promise((resolve) => {
    const body = JSON.stringify({ receipt });
    const request = http.request({ host, port, agent, method: "POST", path: "/api/v1/followup",
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => { text += chunk; });
      response.on("end", () => {
        try {
          resolve(response.statusCode === 200 ? JSON.parse(text).token : null);
        } catch {
          resolve(null);
        }
      });
    });
    request.on("error", () => resolve(null));
    request.end(body);
  });
}

let failed = 0;
for (let i = 0; i < receipts.length; i += 8) {
  const tokens = await Promise.all(receipts.slice(i, i + 8).map(login));
  for (const token of tokens) {
    if (token) process.stdout.write(`${token}\n`);
    else failed++;
  }
}
agent.destroy();
if (failed) console.error(`followup-tokens: ${failed} of ${receipts.length} logins failed`);
process.exitCode = failed === receipts.length ? 1 : 0;
