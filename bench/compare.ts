/**
 * `npm run bench:compare -- A.json B.json`: the figures of two benchmark runs side by side, with B as a ratio of A
 * (req/s: higher is better; p99: lower is better).
 */
import { readFileSync } from 'node:fs';

type Figure = { op: string; clients: number; rps: number; p99: number };
type Result = { scale: number; db: string; machine: { commit: string | null; cpu: string }; figures: Figure[]; heavy: { op: string; meanMs: number }[] };

const [a, b] = process.argv.slice(2).filter((x) => !x.startsWith('--'));
if (!a || !b) {
  console.error('usage: npm run bench:compare -- A.json B.json');
  process.exit(2);
}
const A = JSON.parse(readFileSync(a, 'utf8')) as Result;
const B = JSON.parse(readFileSync(b, 'utf8')) as Result;
const pct = (x: number, y: number) => (x ? `${y >= x ? '+' : ''}${(((y - x) / x) * 100).toFixed(1)} %` : '—');
console.log(`A: ${a} (${A.db}, ${A.scale}, ${A.machine.commit})\nB: ${b} (${B.db}, ${B.scale}, ${B.machine.commit})\n`);
console.log('| operation | clients | A req/s | B req/s | Δ req/s | A p99 ms | B p99 ms | Δ p99 |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const fa of A.figures) {
  const fb = B.figures.find((f) => f.op === fa.op && f.clients === fa.clients);
  if (!fb) continue;
  console.log(`| ${fa.op} | ${fa.clients} | ${fa.rps} | ${fb.rps} | ${pct(fa.rps, fb.rps)} | ${fa.p99} | ${fb.p99} | ${pct(fa.p99, fb.p99)} |`);
}
const heavy = A.heavy.filter((h) => B.heavy.some((x) => x.op === h.op));
if (heavy.length) {
  console.log('\n| heavy request | A mean ms | B mean ms | Δ |\n|---|---:|---:|---:|');
  for (const h of heavy) {
    const hb = B.heavy.find((x) => x.op === h.op)!;
    console.log(`| ${h.op} | ${h.meanMs} | ${hb.meanMs} | ${pct(h.meanMs, hb.meanMs)} |`);
  }
}
