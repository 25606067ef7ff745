// Import benchmark: 100,000 customers and 1,000,000 transactions from CSV through `hearth import`, on the embedded
// database (PGlite) and, when reachable, on PostgreSQL. Reports rows/s and the import process's peak memory.
// On PostgreSQL the transactions are imported twice into copies of the same database (made from it as a template
// after the customers import): once with the loyalty programme off (the blank template's default) and once with it on
// (the heating template's programme: every payment and purchase earns points in the same batches), and the time
// earning adds is reported as a share of the import's (issue #16: at most 25 %).
//   node bench/import.bench.mjs [--customers N] [--transactions N] [--only pglite|postgres]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'hearth.mjs');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const CUSTOMERS = Number(arg('customers', 100_000));
const TRANSACTIONS = Number(arg('transactions', 1_000_000));
const ONLY = arg('only', null);
const THIS_YEAR = new Date().getUTCFullYear();

const COMPOUNDS = ['幸福家园', '阳光小区', '松花江畔', '学府花园', '中央大街小区', '哈西新城', '群力家园', '江北学苑'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛'];

async function write(file, header, n, line) {
  const out = createWriteStream(file);
  out.write(header + '\n');
  for (let i = 0; i < n; i++) {
    if (!out.write(line(i) + '\n')) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

// mulberry32: the LCG used before picked only about a fifth of the customers (consecutive draws are correlated), so a
// member had ~46 payments instead of ~10 and every per-member cost looked five times larger than a real import's.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

async function makeFiles(dir) {
  const customers = path.join(dir, 'customers.csv');
  const transactions = path.join(dir, 'transactions.csv');
  await write(customers, '户号,姓名,手机号,小区,楼栋,单元,房号,生日', CUSTOMERS, (i) => {
    const name = SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length];
    const year = 1940 + (i % 60);
    return `C${String(i).padStart(7, '0')},${name},139${String(i).padStart(8, '0')},${COMPOUNDS[i % COMPOUNDS.length]},${(i % 30) + 1}号楼,${(i % 6) + 1}单元,${(i % 28) + 1}0${(i % 4) + 1},${year}年${(i % 12) + 1}月${(i % 28) + 1}日`;
  });
  await write(transactions, '户号,缴费日期,实收金额,类型,采暖季,计费面积,缴费单号', TRANSACTIONS, (i) => {
    const c = Math.floor(rand() * CUSTOMERS);
    // Ten heating seasons up to the current one (a utility's payment history), so some payments fall in the last
    // twelve months: those move a member's growth value and may upgrade the tier at once.
    const year = THIS_YEAR - 9 + Math.floor(rand() * 10);
    const area = 50 + Math.floor(rand() * 100);
    const fen = area * 2736 + Math.floor(rand() * 100);
    const yuan = `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
    const month = year === THIS_YEAR ? Math.min((i % 12) + 1, 11) : (i % 12) + 1; // none after today
    return `C${String(c).padStart(7, '0')},${year}/${month}/${(i % 28) + 1},"¥${yuan}",缴费,${year}-${year + 1},${area}.5,P${String(i).padStart(8, '0')}`;
  });
  return { customers, transactions };
}

function runImport(env, kind, file) {
  // Run as users run it (npx hearth / ./bin/hearth.mjs), so the command's own Node flags apply.
  const r = spawnSync(bin, ['import', kind, file, '--format', 'json'], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const stats = /stats rows=(\d+) seconds=([\d.]+) rowsPerSecond=(\d+) peakRssMB=(\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !stats) throw new Error(`import ${kind} failed (${r.status}): ${r.stderr?.slice(-2000)}`);
  const outcome = JSON.parse(r.stdout.trim().split('\n').pop());
  return { kind, rows: Number(stats[1]), seconds: Number(stats[2]), rowsPerSecond: Number(stats[3]), peakRssMB: Number(stats[4]), created: outcome.created, rejected: outcome.rejected.length };
}

async function postgresUrl(name = `hearth_bench_${process.pid}`, template = null) {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const c = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query(`create database ${name}${template ? ` template ${template}` : ''}`);
    await c.end();
  } catch (err) {
    console.log(`PostgreSQL not reachable at ${base}: ${err.message}; skipping it`);
    return null;
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: base });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    },
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'hearth-bench-'));
const results = [];
let loyaltyShare = null;
try {
  console.log(`generating ${CUSTOMERS.toLocaleString()} customers and ${TRANSACTIONS.toLocaleString()} transactions …`);
  const files = await makeFiles(dir);
  const baseEnv = { ...process.env, HEARTH_LOCALE: 'en' };
  delete baseEnv.DATABASE_URL;

  if (ONLY !== 'postgres') {
    const env = { ...baseEnv, DATA_DIR: path.join(dir, 'data') };
    mkdirSync(env.DATA_DIR, { recursive: true });
    spawnSync(process.execPath, [bin, 'migrate'], { env, stdio: 'ignore' }); // the server's first start: not timed
    for (const kind of ['customers', 'transactions']) {
      const r = runImport(env, kind, files[kind]);
      results.push({ database: 'pglite', ...r });
      console.log(JSON.stringify(results.at(-1)));
    }
  }
  if (ONLY !== 'pglite') {
    const scratch = await postgresUrl();
    if (scratch) {
      try {
        const env = { ...baseEnv, DATABASE_URL: scratch.url, DATA_DIR: path.join(dir, 'pgdata') };
        spawnSync(process.execPath, [bin, 'migrate'], { env, stdio: 'ignore' });
        results.push({ database: 'postgres', ...runImport(env, 'customers', files.customers) });
        console.log(JSON.stringify(results.at(-1)));
        // The same customers, twice: loyalty off, then on (a copy of the database made before any transaction).
        const name = new URL(scratch.url).pathname.slice(1);
        const withLoyalty = await postgresUrl(`${name}_loyalty`, name);
        try {
          results.push({ database: 'postgres', ...runImport(env, 'transactions', files.transactions) });
          console.log(JSON.stringify(results.at(-1)));
          if (withLoyalty) {
            const c = new pg.Client({ connectionString: withLoyalty.url });
            await c.connect();
            await c.query(`insert into settings (key, value) values ('template', '"heating"') on conflict (key) do update set value = excluded.value`);
            await c.end();
            const r = runImport({ ...env, DATABASE_URL: withLoyalty.url }, 'transactions', files.transactions);
            const c2 = new pg.Client({ connectionString: withLoyalty.url });
            await c2.connect();
            const earned = (await c2.query(`select count(*)::int as entries, count(distinct customer_id)::int as members, coalesce(sum(points), 0)::bigint as points from points_entries`)).rows[0];
            await c2.end();
            results.push({ database: 'postgres', ...r, kind: 'transactions+loyalty', earned });
            console.log(JSON.stringify(results.at(-1)));
            const off = results.find((x) => x.database === 'postgres' && x.kind === 'transactions');
            loyaltyShare = r.seconds / off.seconds - 1;
            console.log(`loyalty earning adds ${(loyaltyShare * 100).toFixed(1)} % to the transactions import (goal ≤ 25 %): ${off.seconds.toFixed(1)} s → ${r.seconds.toFixed(1)} s; ${earned.entries.toLocaleString()} entries for ${earned.members.toLocaleString()} members`);
          }
        } finally {
          await withLoyalty?.drop();
        }
      } finally {
        await scratch.drop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('\ndatabase   kind                  rows        seconds   rows/s    peak RSS MB');
for (const r of results) {
  console.log(
    `${r.database.padEnd(10)} ${r.kind.padEnd(21)} ${String(r.rows).padStart(9)} ${r.seconds.toFixed(1).padStart(10)} ${String(r.rowsPerSecond).padStart(8)} ${String(r.peakRssMB).padStart(10)}`,
  );
}
mkdirSync(path.join(root, 'test-results'), { recursive: true });
writeFileSync(path.join(root, 'test-results', 'bench-import.json'), JSON.stringify({ customers: CUSTOMERS, transactions: TRANSACTIONS, results, loyaltyShare }, null, 2));
