import { buildApp, prepareDatabase } from './app.js';
import { sealSecretsAtStart } from './secret-stores.js';
import { loadConfig } from './platform/config.js';
import { isConnectionLost, openDatabase } from './platform/db/client.js';

/** `npm start`: one process serving the API and the web UI over the embedded database (or PostgreSQL). */
async function main(): Promise<void> {
  // Every database client has an 'error' listener (platform/db/client.ts) and each request maps a lost connection to
  // 503. What remains are promises nobody awaits that fail because the database went away — pg-boss completes a
  // finished job without awaiting it, for one. Those are logged and the process carries on (the pool reconnects by
  // itself); any other unhandled rejection still ends the process, as Node does by default.
  process.on('unhandledRejection', (reason) => {
    if (isConnectionLost(reason)) {
      console.warn(`database unavailable: ${(reason as Error).message}`);
      return;
    }
    throw reason;
  });
  const config = loadConfig();
  const database = await openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
  );
  await prepareDatabase(database);
  const app = await buildApp({ config, database, resumeJobs: true });
  // Secrets at rest (issue #18): plain text an older version stored, or values under an older key, sealed anew before serving.
  await sealSecretsAtStart(database.db, (line) => app.log.warn(line));

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await app.close(); // stops accepting, waits for in-flight requests
      await database.close(); // checkpoint and close the database cleanly
      app.log.info('bye');
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Hearth is running on http://${config.host}:${config.port} (database: ${database.kind})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
