// The floor the benchmark compares Hearth with, on the same machine in the same run: a bare Fastify route
// (GET /ping), and with --pglite DIR a route doing one primary-key read of a customer from that PGlite data directory
// (GET /pk/:id) — what any server on the embedded database pays before doing anything of its own.
import Fastify from 'fastify';

const i = process.argv.indexOf('--pglite');
const dir = i >= 0 ? process.argv[i + 1] : null;
const app = Fastify({ logger: false });
app.get('/ping', async () => ({ ok: true }));
if (dir) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const db = await PGlite.create({ dataDir: dir, extensions: { pg_trgm } });
  app.get('/pk/:id', async (req) => (await db.query('select id, name, compound from customers where id = $1', [req.params.id])).rows[0] ?? null);
  app.addHook('onClose', () => db.close());
}
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
for (const s of ['SIGTERM', 'SIGINT']) process.once(s, () => app.close().then(() => process.exit(0)));
