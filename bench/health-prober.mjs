// A second opinion on /api/health during bench/responsive.bench.ts: one client in a process of its own asks every
// 20 ms, one request at a time, until SIGTERM; then prints {n, p50, p90, p99, max} as JSON. The load generator
// (autocannon, 32 connections in the benchmark's process) measures its own queueing too; this one does not.
//   node bench/health-prober.mjs http://127.0.0.1:PORT
const base = process.argv[2];
const times = [];
let stopping = false;
process.once('SIGTERM', () => (stopping = true));
while (!stopping) {
  const t0 = performance.now();
  try {
    await fetch(`${base}/api/health`);
    times.push(performance.now() - t0);
  } catch {
    /* the server is stopping */
  }
  await new Promise((r) => setTimeout(r, 20));
}
times.sort((a, b) => a - b);
const q = (p) => (times.length ? Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]) : 0);
console.log(JSON.stringify({ n: times.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: times.length ? Math.round(times.at(-1)) : 0 }));
