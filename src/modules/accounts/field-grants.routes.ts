/** 字段权限: the roles × fields matrix for admins (issue #18). Registered by accounts.routes.ts. */
import { z } from 'zod';
import { FIELD_LEVELS } from '../../platform/auth/field-access.js';
import type { ServiceContext } from '../../platform/context.js';
import { responseOf } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { invalidateDirectory } from './directory.js';
import type { FieldGrantMatrix, FieldGrantRole } from './field-grants.contract.js';
import { fieldGrantMatrix, setFieldGrants } from './field-grants.service.js';

const level = z.enum(FIELD_LEVELS);
const levels = z.record(z.string(), level);
const roleGrants = responseOf<FieldGrantRole>()(
  z.object({
    key: z.string(),
    customized: z.boolean().describe('False: the default, every field editable as the permissions allow'),
    fixed: z.boolean().describe('The admin role: every field editable, not changeable'),
    levels: levels.describe('The level granted per field (standard key or custom.<key>)'),
    effective: levels.describe("What the role's holders get: the grant capped by its permissions"),
  }),
);
const matrix = responseOf<FieldGrantMatrix>()(
  z.object({
    fields: z.array(
      z.object({
        key: z.string(),
        labelZh: z.string(),
        labelEn: z.string(),
        custom: z.boolean(),
        alwaysVisible: z.boolean().describe('Never hidden (at least read-only)'),
        pii: z.boolean().describe('Editable only with customer:pii'),
      }),
    ),
    roles: z.array(roleGrants),
  }),
);
const body = z.strictObject({
  levels: z
    .record(z.string().max(80), level)
    .nullable()
    .describe('Every field with its level (a field not named is hidden: an allow-list), or null for the default (all editable)'),
});

export async function fieldGrantRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['roles'];
  app.get('/api/v1/roles/field-grants', { schema: { tags, summary: '字段权限: each role × customer field, hidden / read-only / editable', response: { 200: matrix } } }, async (req) =>
    fieldGrantMatrix(db, req.actor),
  );
  app.put(
    '/api/v1/roles/:key/field-grants',
    {
      schema: {
        tags,
        summary: "Set a role's field grants (audited; not the admin role)",
        params: z.strictObject({ key: z.string().max(40) }),
        body,
        response: { 200: roleGrants },
      },
    },
    async (req) => {
      try {
        return await db.transaction((tx) => setFieldGrants(tx, req.actor, req.params.key, req.body.levels));
      } finally {
        invalidateDirectory(db);
      }
    },
  );
}
