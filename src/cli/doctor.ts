import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describeConfig, loadConfig } from '../platform/config.js';
import { MIGRATIONS_DIR, openDatabase, rowsOf } from '../platform/db/client.js';
import { WEB_DIST } from '../platform/http/server.js';
import { VERSION } from '../platform/version.js';

type Check = { name: string; ok: boolean; detail: string; warnOnly?: boolean };

/** `hearth doctor`: configuration, database reachability, migrations, extensions, web build. */
export async function doctor(json: boolean): Promise<boolean> {
  const checks: Check[] = [];
  let configView: Record<string, unknown> = {};
  try {
    const config = loadConfig();
    configView = describeConfig(config);
    checks.push({ name: 'node', ok: Number(process.versions.node.split('.')[0]) >= 20, detail: process.version });
    const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    let database;
    try {
      database = await openDatabase(
        config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolSize: 1 } : { kind: 'pglite', dataDir: config.dataDir },
      );
      const version = rowsOf<{ v: string }>(await database.db.execute(sql`select version() as v`))[0]?.v ?? '?';
      checks.push({ name: 'database', ok: true, detail: `${database.kind}: ${version.split(' on ')[0]}` });
      const applied = await database.db
        .execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
        .then((r) => rowsOf<{ n: number }>(r)[0]?.n ?? 0)
        .catch(() => 0);
      checks.push({
        name: 'migrations',
        ok: applied === journal.entries.length,
        detail: `${applied} of ${journal.entries.length} applied${applied < journal.entries.length ? ' (run `hearth migrate` or start the server)' : ''}`,
      });
      const ext = rowsOf<{ extname: string }>(await database.db.execute(sql`select extname from pg_extension where extname = 'pg_trgm'`));
      checks.push({ name: 'pg_trgm', ok: ext.length === 1, detail: ext.length ? 'installed' : 'missing (applied by the first migration)' });
      if (applied > 0) {
        const users = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from users`))[0]?.n ?? 0;
        checks.push({ name: 'users', ok: true, detail: users ? `${users}` : '0 — first-run setup pending (open the UI or `hearth user create`)' });
      }
    } catch (err) {
      checks.push({ name: 'database', ok: false, detail: err instanceof Error ? err.message : String(err) });
    } finally {
      await database?.close();
    }
    checks.push({
      name: 'web build',
      ok: existsSync(path.join(WEB_DIST, 'index.html')),
      warnOnly: true,
      detail: existsSync(path.join(WEB_DIST, 'index.html')) ? WEB_DIST : 'missing: `npm start` or `npm run build` builds it',
    });
  } catch (err) {
    checks.push({ name: 'configuration', ok: false, detail: err instanceof Error ? err.message : String(err) });
  }
  const ok = checks.every((c) => c.ok || c.warnOnly);
  if (json) {
    console.log(JSON.stringify({ version: VERSION, ok, config: configView, checks }));
  } else {
    console.log(`Hearth ${VERSION}\n\nConfiguration:`);
    for (const [k, v] of Object.entries(configView)) console.log(`  ${k.padEnd(22)} ${v}`);
    console.log('\nChecks:');
    for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : c.warnOnly ? 'warn' : 'FAIL'} ${c.name.padEnd(12)} ${c.detail}`);
  }
  return ok;
}
