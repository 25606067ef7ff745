import type { Config } from './platform/config.js';
import type { Database } from './platform/db/client.js';
import { createServer, type App } from './platform/http/server.js';
import type { ServiceContext } from './platform/context.js';
import { accountsRoutes, authenticateSession, authenticateToken, ensureBuiltinRoles } from './modules/accounts/index.js';
import { auditRoutes } from './modules/audit/index.js';
import { customerRoutes, tagRoutes } from './modules/customers/index.js';
import { settingsRoutes } from './modules/settings/index.js';
import { transactionRoutes } from './modules/transactions/index.js';

/** Prepares a database for use: migrations, then the data the code relies on (built-in roles). */
export async function prepareDatabase(database: Database): Promise<void> {
  await database.migrate();
  await ensureBuiltinRoles(database.db);
}

/** The composition root: platform + every module's routes, over one database. */
export async function buildApp(opts: { config: Config; database: Database; logger?: boolean }): Promise<App> {
  const ctx: ServiceContext = { db: opts.database.db, config: opts.config };
  const app = await createServer({
    config: opts.config,
    databaseKind: opts.database.kind,
    logger: opts.logger,
    authenticate: async (c) => {
      const info = { ip: c.ip, userAgent: c.userAgent, locale: c.locale };
      if (c.bearer) return authenticateToken(ctx, c.bearer, info);
      if (c.sessionToken) return authenticateSession(ctx, c.sessionToken, info);
      return null;
    },
  });
  await accountsRoutes(app, ctx);
  await settingsRoutes(app, ctx);
  await auditRoutes(app, ctx);
  await customerRoutes(app, ctx);
  await tagRoutes(app, ctx);
  await transactionRoutes(app, ctx);
  return app;
}
