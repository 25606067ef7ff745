import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { dismissDuplicate, getMerge, listDuplicates, listMerges, mergeCustomers, undoMerge } from './merge.service.js';
import { dismissBody, duplicatesQuery, mergeBody, mergeIdParam, mergesQuery } from './merge.types.js';
import { duplicatePage, mergePage, mergeResult, mergeView, undoMergeResult } from './customers.schemas.js';
import { noContent } from '../../platform/http/response.js';

/** Duplicate customers: finding them, dismissing a pair, merging, and undoing a merge. */
export async function mergeRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['customers'];

  app.get(
    '/api/v1/customers/duplicates',
    { schema: { tags, summary: 'Pairs of customers that look like duplicates, with the reasons (keyset pages)', querystring: duplicatesQuery, response: { 200: duplicatePage } } },
    async (req) => listDuplicates(db, req.actor, req.query),
  );
  app.post(
    '/api/v1/customers/duplicates/dismiss',
    { schema: { tags, summary: 'Mark two customers as not duplicates (no longer offered)', body: dismissBody, response: { 204: noContent } } },
    async (req, reply) => {
      await db.transaction((tx) => dismissDuplicate(tx, req.actor, req.body));
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/v1/customers/merge',
    { schema: { tags, summary: 'Merge a duplicate into another customer (undoable)', body: mergeBody, response: { 200: mergeResult } } },
    async (req) => db.transaction((tx) => mergeCustomers(tx, req.actor, req.body)),
  );
  app.get(
    '/api/v1/customers/merges',
    { schema: { tags, summary: 'Merges of customers, newest first', querystring: mergesQuery, response: { 200: mergePage } } },
    async (req) => listMerges(db, req.actor, req.query),
  );
  app.get('/api/v1/customers/merges/:id', { schema: { tags, summary: 'One merge', params: mergeIdParam, response: { 200: mergeView } } }, async (req) =>
    getMerge(db, req.actor, req.params.id),
  );
  app.post(
    '/api/v1/customers/merges/:id/undo',
    { schema: { tags, summary: 'Undo a merge: restore both customers and move everything back', params: mergeIdParam, response: { 200: undoMergeResult } } },
    async (req) => db.transaction((tx) => undoMerge(tx, req.actor, req.params.id)),
  );
}
