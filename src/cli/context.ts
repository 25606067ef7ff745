import { loadConfig, type Config } from '../platform/config.js';
import { openDatabase, type Database } from '../platform/db/client.js';
import { negotiateLocale } from '../platform/i18n/index.js';
import { installKeyring, loadKeyring } from '../platform/secrets.js';

/** The CLI's language: HEARTH_LOCALE, else LANG, else zh-CN. */
export const locale = negotiateLocale(process.env.HEARTH_LOCALE ?? process.env.LANG?.replace(/\..*$/, '').replace('_', '-'), 'zh-CN');

/** Opens the configured database (PGlite in DATA_DIR, or DATABASE_URL) for one command and closes it after. */
export async function withDatabase<T>(fn: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  installKeyring(loadKeyring(config)); // the secrets at rest (platform/secrets.ts)
  const database = await openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolSize: 2 } : { kind: 'pglite', dataDir: config.dataDir },
  );
  try {
    return await fn(database, config);
  } finally {
    await database.close();
  }
}
