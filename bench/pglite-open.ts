/**
 * How long the embedded database takes to open, phase by phase: `node --import tsx bench/pglite-open.ts` with DATA_DIR
 * set (default ./data). Prints one JSON line: module imports, PGlite.create (WebAssembly start, data directory, crash
 * recovery), the migrations check, the built-in roles, a first query and close, in milliseconds of wall
 * time and of CPU time.
 */
import { performance } from 'node:perf_hooks';

const marks: { wall: number; cpu: number }[] = [];
const mark = () => {
  const c = process.cpuUsage();
  marks.push({ wall: performance.now(), cpu: (c.user + c.system) / 1000 });
};
mark();
const { openDatabase } = await import('../src/platform/db/client.js');
const { prepareDatabase } = await import('../src/app.js');
const { sql } = await import('drizzle-orm');
mark();
const dataDir = process.env.DATA_DIR ?? './data';
const database = await openDatabase({ kind: 'pglite', dataDir });
mark();
await database.migrate();
mark();
await prepareDatabase(database);
mark();
await database.db.execute(sql`select count(*) from customers`);
mark();
await database.close();
mark();
const names = ['imports', 'open', 'migrate', 'prepare', 'firstQuery', 'close'];
const phase = (key: 'wall' | 'cpu') => Object.fromEntries(names.map((n, i) => [n, Math.round(marks[i + 1]![key] - marks[i]![key])]));
// Wall time depends on what else the machine runs; CPU time (user + system of this process) much less.
console.log(JSON.stringify({ wallMs: phase('wall'), cpuMs: phase('cpu') }));
