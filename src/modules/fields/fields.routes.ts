import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { archiveCustomField, createCustomField, listCustomFields, restoreCustomField, updateCustomField } from './fields.service.js';
import { createFieldBody, fieldIdParam, fieldListQuery, updateFieldBody } from './fields.types.js';
import { customFieldList, customFieldView } from './fields.schemas.js';
import { noContent } from '../../platform/http/response.js';

export async function customFieldRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['custom-fields'];
  app.get(
    '/api/v1/custom-fields',
    { schema: { tags, summary: 'Custom field definitions of customers, in display order', querystring: fieldListQuery, response: { 200: customFieldList } } },
    async (req) => ({ items: await listCustomFields(db, req.actor, req.query) }),
  );
  app.post('/api/v1/custom-fields', { schema: { tags, summary: 'Define a custom field (audited)', body: createFieldBody, response: { 201: customFieldView } } }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createCustomField(tx, req.actor, req.body))),
  );
  app.patch(
    '/api/v1/custom-fields/:id',
    { schema: { tags, summary: 'Change a custom field (type only while no customer has a value)', params: fieldIdParam, body: updateFieldBody, response: { 200: customFieldView } } },
    async (req) => db.transaction((tx) => updateCustomField(tx, req.actor, req.params.id, req.body)),
  );
  app.delete(
    '/api/v1/custom-fields/:id',
    { schema: { tags, summary: 'Archive a custom field (values are kept)', params: fieldIdParam, response: { 204: noContent } } },
    async (req, reply) => {
      await db.transaction((tx) => archiveCustomField(tx, req.actor, req.params.id));
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/v1/custom-fields/:id/restore',
    { schema: { tags, summary: 'Restore an archived custom field', params: fieldIdParam, response: { 200: customFieldView } } },
    async (req) => db.transaction((tx) => restoreCustomField(tx, req.actor, req.params.id)),
  );
}
