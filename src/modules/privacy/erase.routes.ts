/**
 * 删除个人信息 (issue #18): the erasure of a deletion request's customer with two people's consent — the proposal, its
 * withdrawal, and the approval that executes it (erase.ts). All need privacy:manage; each POST honours Idempotency-Key
 * (a repeated approval gets the first answer and erases nothing twice).
 */
import { z } from 'zod';
import type { App } from '../../platform/http/server.js';
import { responseOf } from '../../platform/http/response.js';
import { PRIVACY_ERASURE_SOURCES, type PrivacyErasureView } from './erase.contract.js';
import { approveErasure, getErasure, proposeErasure, withdrawErasure, type AfterCommit } from './erase.js';
import { touchedTables, vacuumAfterErasure } from './erase.vacuum.js';
import type { PrivacyContext } from './privacy.routes.js';
import { requestIdParam } from './privacy.types.js';

const privacyErasureView = responseOf<PrivacyErasureView>()(
  z.object({
    requestId: z.string(),
    status: z.enum(['none', 'proposed', 'executed']),
    source: z.enum(PRIVACY_ERASURE_SOURCES),
    runId: z.string().nullable(),
    proposedById: z.string().nullable(),
    proposedByName: z.string().nullable(),
    proposedAt: z.string().nullable(),
    approvedById: z.string().nullable(),
    approvedByName: z.string().nullable(),
    executedAt: z.string().nullable(),
    records: z.number().int().nullable(),
    counts: z.record(z.string(), z.number()).nullable(),
    canApprove: z.boolean(),
  }),
);

export async function erasureRoutes(app: App, ctx: PrivacyContext): Promise<void> {
  const { db } = ctx;
  const now = ctx.now ?? (() => new Date());
  const tags = ['privacy'];
  const base = '/api/v1/privacy/requests/:id/erasure';
  const vacuums = new Set<Promise<string[]>>();

  app.get(base, { schema: { tags, summary: "The erasure of a deletion request's customer: none, proposed (by whom) or executed", params: requestIdParam, response: { 200: privacyErasureView } } }, async (req) =>
    getErasure(db, req.actor, req.params.id),
  );
  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Propose the erasure (a deletion request in progress, linked to its customer); another holder of privacy:manage approves it',
        params: requestIdParam,
        response: { 201: privacyErasureView },
      },
    },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => proposeErasure(tx, req.actor, req.params.id, now()))),
  );
  app.post(
    `${base}/withdraw`,
    { schema: { tags, summary: 'Withdraw a proposed erasure before it is approved', params: requestIdParam, response: { 200: privacyErasureView } } },
    async (req) => db.transaction((tx) => withdrawErasure(tx, req.actor, req.params.id)),
  );
  app.post(
    `${base}/approve`,
    {
      schema: {
        tags,
        summary: 'Approve and execute the erasure (not the proposer): the person is anonymised in every module, irreversibly; audited with ids and counts only',
        params: requestIdParam,
        response: { 200: privacyErasureView },
      },
    },
    async (req) => {
      const afterCommit: AfterCommit = [];
      const view = await db.transaction((tx) => approveErasure(tx, req.actor, req.params.id, now(), { dataDir: ctx.config.dataDir, afterCommit }));
      for (const fn of afterCommit) await fn().catch((err: Error) => req.log.warn(`erasure: ${err.message}`));
      // PostgreSQL: the old row versions go too (erase.vacuum.ts), after the answer; a stop waits for it.
      const vacuum = vacuumAfterErasure(db, touchedTables(view.counts), (line) => req.log.warn(line)).finally(() => vacuums.delete(vacuum));
      vacuums.add(vacuum);
      return view;
    },
  );
  app.addHook('onClose', async () => void (await Promise.allSettled([...vacuums])));
}
