// A health checker beside the load: asks GET PATH on HOST:PORT every
// INTERVAL_MS for SECONDS and prints "requests p50_ms p99_ms max_ms errors".
// Open loop: each request is due at start + i * INTERVAL_MS and its latency
// is counted from that moment, not from when it was sent, so a server that
// stalls is charged for every probe that had to wait (no coordinated
// omission). Up to 16 connections (keep-alive) so that one slow answer does
// not hold up the next probe.
// Usage: node bench/probe-latency.mjs HOST PORT PATH SECONDS [INTERVAL_MS]
import http from "node:http";

const [host, port, path, seconds] = [process.argv[2], Number(process.argv[3]), process.argv[4], Number(process.argv[5])];
const interval = Number(process.argv[6] || 5);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const latencies = [];
let errors = 0;
const total = Math.floor((seconds * 1000) / interval);
const start = performance.now();

function probe(due) {
  return new Promise((resolve) => {
    const request = http.get({ host, port, path, agent }, (response) => {
      response.resume();
      response.on("end", () => {
        if (response.statusCode !== 200) errors++;
        latencies.push(performance.now() - due);
        resolve();
      });
    });
    request.setTimeout(30000, () => request.destroy(new Error("timeout")));
    request.on("error", () => {
      errors++;
      latencies.push(performance.now() - due);
      resolve();
    });
  });
}

const pending = [];
for (let i = 0; i < total; i++) {
  const due = start + i * interval;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  pending.push(probe(due));
}
await Promise.all(pending);
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
console.log(`${latencies.length} ${at(0.5).toFixed(2)} ${at(0.99).toFixed(2)} ${at(1).toFixed(2)} ${errors}`);
