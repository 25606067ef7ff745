import { z } from 'zod';
import type { Actor } from '../../platform/auth/permissions.js';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { DEMO_DEFAULT_SIZE, DEMO_MAX_SIZE_HTTP } from './demo.contract.js';
import { beginDemo, demoStatus, loadDemo, todayInShanghai } from './demo.service.js';
import { demoStatusView } from './demo.schemas.js';

export const DEMO_QUEUE = 'demo.load';

const loadBody = z.strictObject({
  size: z.number().int().min(100).max(DEMO_MAX_SIZE_HTTP).default(DEMO_DEFAULT_SIZE).describe('Households to generate'),
  seed: z.number().int().min(0).max(2_147_483_647).default(1).describe('The same seed gives the same data'),
});

type JobData = { userId: string; seed: number; size: number; asOf: string };

/** The background job: loads (or resumes) the demo as the user who asked for it. */
export async function runDemoJob(
  ctx: ServiceContext,
  data: Record<string, unknown>,
  signal: AbortSignal,
  resolveActor: (userId: string) => Promise<Actor | null>,
  writers = 1,
  messaging?: { log: (line: string) => void; fallbackUrl: string },
): Promise<void> {
  const d = data as JobData;
  const actor = await resolveActor(d.userId);
  if (!actor) return;
  await loadDemo(ctx.db, actor, { seed: d.seed, size: d.size, asOf: d.asOf }, {
    signal,
    writers,
    skipForeignKeyChecks: true,
    activity: messaging ? { log: messaging.log, fallbackUrl: messaging.fallbackUrl } : undefined,
  });
}

export async function demoRoutes(app: App, ctx: ServiceContext & { enqueue: (data: JobData) => Promise<void> }): Promise<void> {
  const tags = ['demo'];
  app.get('/api/v1/demo', { schema: { tags, summary: 'Demo data: loaded or loading, progress and fingerprint', response: { 200: demoStatusView } } }, async (req) =>
    demoStatus(ctx.db, req.actor),
  );
  app.post(
    '/api/v1/demo',
    { schema: { tags, summary: 'Load the heating-utility demo (households, ten seasons of payments, service purchases) in the background', body: loadBody, response: { 202: demoStatusView } } },
    async (req, reply) => {
      const params = { seed: req.body.seed, size: req.body.size, asOf: todayInShanghai() };
      const { alreadyDone } = await beginDemo(ctx.db, req.actor, params);
      if (!alreadyDone) await ctx.enqueue({ userId: req.actor!.userId!, ...params });
      return reply.code(202).send(await demoStatus(ctx.db, req.actor));
    },
  );
}
