import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { listAudit } from './audit.service.js';
import { auditPage } from './audit.schemas.js';

/** An instant the database can compare with (PostgreSQL has no year 0). */
const instant = z.iso.datetime({ offset: true }).refine((v) => {
  const year = new Date(v).getUTCFullYear();
  return Number.isNaN(year) || (year >= 1000 && year <= 9999); // NaN: the format check has said so already
});

const auditQuery = z.strictObject({
  entityType: z.string().max(40).optional(),
  entityId: z.string().max(64).optional(),
  actorId: z.uuid().optional(),
  action: z.string().max(40).optional(),
  from: instant.optional(),
  to: instant.optional(),
  cursor: z.string().regex(/^\d{1,18}$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export async function auditRoutes(app: App, ctx: ServiceContext): Promise<void> {
  app.get('/api/v1/audit', { schema: { tags: ['audit'], summary: 'The audit log (newest first)', querystring: auditQuery, response: { 200: auditPage } } }, async (req) => {
    const q = req.query;
    return listAudit(ctx.db, req.actor, {
      entityType: q.entityType,
      entityId: q.entityId,
      actorId: q.actorId,
      action: q.action,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      beforeId: q.cursor ? Number(q.cursor) : undefined,
      limit: q.limit,
    }, req.locale);
  });
}
