import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { bulkTag, deleteTag, describeTag, listTags, mergeTags } from './tags.service.js';
import { bulkTagView, tagDeleteView, tagDescriptionView, tagList, tagMergeView } from './customers.schemas.js';

const tagName = z.string().trim().min(1).max(32);
const tagParam = z.strictObject({ tag: tagName });
const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$|^(magenta|red|volcano|orange|gold|lime|green|cyan|blue|geekblue|purple)$/)
  .nullable()
  .optional()
  .describe('#RRGGBB or an Ant Design preset colour');

export async function tagRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['tags'];
  app.get('/api/v1/tags', { schema: { tags, summary: 'Tags (registered and in use) with customer counts', response: { 200: tagList } } }, async (req) => ({
    items: await listTags(db, req.actor),
  }));
  app.put(
    '/api/v1/tags/:tag',
    { schema: { tags, summary: "Set a tag's colour and description", params: tagParam, body: z.strictObject({ color, description: z.string().trim().max(200).nullable().optional() }), response: { 200: tagDescriptionView } } },
    async (req) => db.transaction((tx) => describeTag(tx, req.actor, req.params.tag, req.body)),
  );
  app.post(
    '/api/v1/tags/merge',
    { schema: { tags, summary: 'Rename a tag, or merge several into one, on every customer', body: z.strictObject({ from: z.array(tagName).min(1).max(20), into: tagName }), response: { 200: tagMergeView } } },
    async (req) => db.transaction((tx) => mergeTags(tx, req.actor, req.body)),
  );
  app.delete('/api/v1/tags/:tag', { schema: { tags, summary: 'Remove a tag from every customer', params: tagParam, response: { 200: tagDeleteView } } }, async (req) =>
    db.transaction((tx) => deleteTag(tx, req.actor, req.params.tag)),
  );
  app.post(
    '/api/v1/customers/bulk/tags',
    {
      schema: {
        tags: ['customers'],
        summary: 'Add and remove tags on selected customers',
        body: z.strictObject({
          ids: z.array(z.uuid()).min(1).max(1000),
          add: z.array(tagName).max(20).default([]),
          remove: z.array(tagName).max(20).default([]),
        }),
        response: { 200: bulkTagView },
      },
    },
    async (req) => db.transaction((tx) => bulkTag(tx, req.actor, req.body)),
  );
}
