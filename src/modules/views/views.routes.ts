import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { savedViewItem, savedViewList } from './views.schemas.js';
import { createView, deleteView, listViews, restoreView, updateView } from './views.service.js';
import { createViewBody, updateViewBody, viewIdParam, viewListQuery } from './views.types.js';

/** 保存的视图: a list page's filters, sort and columns under a name, personal or shared with a team. */
export async function viewRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['views'];
  const config = { fieldLabels: 'view' };

  app.get(
    '/api/v1/views',
    { schema: { tags, summary: "A page's saved views: the user's own, then those shared with their team", querystring: viewListQuery, response: { 200: savedViewList } }, config },
    async (req) => listViews(db, req.actor, req.query),
  );
  app.post('/api/v1/views', { schema: { tags, summary: 'Save a view of a list page', body: createViewBody, response: { 201: savedViewItem } }, config }, async (req, reply) => {
    const view = await db.transaction((tx) => createView(tx, req.actor, req.body));
    return reply.code(201).send(view);
  });
  app.patch(
    '/api/v1/views/:id',
    { schema: { tags, summary: 'Rename a view, change what it shows or whom it is shared with (its owner only)', params: viewIdParam, body: updateViewBody, response: { 200: savedViewItem } }, config },
    async (req) => db.transaction((tx) => updateView(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/views/:id', { schema: { tags, summary: 'Remove a view (its owner or an admin; it can be restored)', params: viewIdParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteView(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post('/api/v1/views/:id/restore', { schema: { tags, summary: 'Restore a removed view (undo)', params: viewIdParam, response: { 200: savedViewItem } } }, async (req) =>
    db.transaction((tx) => restoreView(tx, req.actor, req.params.id)),
  );
}
