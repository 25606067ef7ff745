import { Readable } from 'node:stream';
import type { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import { fileResponse, noContent, XLSX_MEDIA_TYPE } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { attachment, exportMembersCsv, exportMembersXlsx } from './segments.export.js';
import { importMembers } from './segments.import.js';
import { getRefresh, startRefresh } from './segments.refresh.js';
import { parseUpload, type UploadedList } from './segments.upload.js';
import {
  addMembers,
  createSegment,
  deleteSegment,
  getSegment,
  listMembers,
  listSegments,
  previewRule,
  removeMembers,
  restoreSegment,
  segmentFields,
  segmentHistory,
  updateSegment,
} from './segments.service.js';
import {
  refreshView,
  segmentAddReport,
  segmentFieldList,
  segmentHistory as segmentHistorySchema,
  segmentImportReport,
  segmentMemberPage,
  segmentPage,
  segmentPreview,
  segmentRemoveReport,
  segmentView,
} from './segments.schemas.js';
import { createSegmentBody, historyQuery, idParam, importQuery, memberIdsBody, memberListQuery, previewBody, segmentListQuery, updateSegmentBody } from './segments.types.js';

export async function segmentRoutes(app: App, ctx: ServiceContext & { enqueue: (runId: string) => Promise<void> }): Promise<void> {
  const { db } = ctx;
  const tags = ['segments'];
  const config = { fieldLabels: 'segment' };

  app.get('/api/v1/segments', { schema: { tags, summary: 'Segments, newest first (keyset), with the members you see', querystring: segmentListQuery, response: { 200: segmentPage } }, config }, async (req) =>
    listSegments(db, req.actor, req.query),
  );
  app.post('/api/v1/segments', { schema: { tags, summary: 'Create a dynamic segment (a rule) or a static list', body: createSegmentBody, response: { 201: segmentView } }, config }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createSegment(tx, req.actor, req.body))),
  );
  app.get('/api/v1/segments/fields', { schema: { tags, summary: "The rule builder's fields: types, operators, options and parameters", response: { 200: segmentFieldList } } }, async (req) =>
    segmentFields(db, req.actor),
  );
  app.post(
    '/api/v1/segments/preview',
    { schema: { tags, summary: 'How many customers you see match a rule, and up to 20 of them', body: previewBody, response: { 200: segmentPreview } }, config },
    async (req) => previewRule(db, req.actor, req.body.rule),
  );
  app.get('/api/v1/segments/refreshes/:id', { schema: { tags, summary: 'A refresh run: status, progress, entries and exits', params: idParam, response: { 200: refreshView } } }, async (req) =>
    getRefresh(db, req.actor, req.params.id),
  );
  app.get('/api/v1/segments/:id', { schema: { tags, summary: 'One segment, with its rule and latest refresh', params: idParam, response: { 200: segmentView } } }, async (req) =>
    getSegment(db, req.actor, req.params.id),
  );
  app.patch(
    '/api/v1/segments/:id',
    { schema: { tags, summary: 'Change a segment (409 unless `version` is the current one)', params: idParam, body: updateSegmentBody, response: { 200: segmentView } }, config },
    async (req) => db.transaction((tx) => updateSegment(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/segments/:id', { schema: { tags, summary: 'Move a segment to the trash (restorable)', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteSegment(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post('/api/v1/segments/:id/restore', { schema: { tags, summary: 'Restore a segment from the trash', params: idParam, response: { 200: segmentView } } }, async (req) =>
    db.transaction((tx) => restoreSegment(tx, req.actor, req.params.id)),
  );
  app.post(
    '/api/v1/segments/:id/refresh',
    { schema: { tags, summary: "Recompute a dynamic segment's members in the background (a run already queued is answered as is)", params: idParam, response: { 202: refreshView } } },
    async (req, reply) => {
      const run = (await startRefresh(db, req.actor, { kind: 'manual', segmentId: req.params.id }))!;
      if (run.status === 'queued') await ctx.enqueue(run.id);
      return reply.code(202).send(run);
    },
  );
  app.get(
    '/api/v1/segments/:id/members',
    { schema: { tags, summary: 'Current members you see, in customer order (keyset)', params: idParam, querystring: memberListQuery, response: { 200: segmentMemberPage } }, config },
    async (req) => listMembers(db, req.actor, req.params.id, req.query),
  );
  app.get('/api/v1/segments/:id/history', { schema: { tags, summary: 'Daily member counts (oldest first)', params: idParam, querystring: historyQuery, response: { 200: segmentHistorySchema } }, config }, async (req) =>
    segmentHistory(db, req.actor, req.params.id, req.query.days),
  );
  app.post(
    '/api/v1/segments/:id/members',
    { schema: { tags, summary: 'Add customers to a static list (unknown or out-of-scope ids are reported)', params: idParam, body: memberIdsBody, response: { 200: segmentAddReport } }, config },
    async (req) => db.transaction((tx) => addMembers(tx, req.actor, req.params.id, req.body.customerIds)),
  );
  app.post(
    '/api/v1/segments/:id/members/remove',
    { schema: { tags, summary: 'Remove customers from a static list (ids that are not members are reported)', params: idParam, body: memberIdsBody, response: { 200: segmentRemoveReport } }, config },
    async (req) => db.transaction((tx) => removeMembers(tx, req.actor, req.params.id, req.body.customerIds)),
  );
  await memberFileRoutes(app, ctx);
}

/** A segment's members as a file (CSV, XLSX, like the customer list) and a static list filled from a file. */
async function memberFileRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['segments'];
  const config = { fieldLabels: 'segment' };
  app.get(
    '/api/v1/segments/:id/members/export.csv',
    {
      schema: { tags, summary: "Current members you see, as the customer list's CSV (needs customer:export; audited)", params: idParam, response: { 200: fileResponse('A CSV file (UTF-8)', 'text/csv') } },
    },
    async (req, reply) => {
      const { lines, name } = await exportMembersCsv(db, req.actor, req.params.id, req.locale);
      reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(name, 'csv')).header('cache-control', 'no-store');
      return reply.send(Readable.from(lines));
    },
  );
  app.get(
    '/api/v1/segments/:id/members/export.xlsx',
    {
      schema: { tags, summary: "Current members you see, as the customer list's workbook (needs customer:export; audited)", params: idParam, response: { 200: fileResponse('An XLSX workbook', XLSX_MEDIA_TYPE) } },
    },
    async (req, reply) => {
      const { stream, name } = await exportMembersXlsx(db, req.actor, req.params.id, req.locale, ctx.config.displayTimezone);
      reply.type(XLSX_MEDIA_TYPE).header('content-disposition', attachment(name, 'xlsx')).header('cache-control', 'no-store');
      return reply.send(stream);
    },
  );
  // The body is the file itself (text/csv …), read by parseUpload.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', parseUpload);
    scope.post(
      '/api/v1/segments/:id/members/import',
      {
        schema: {
          tags,
          summary: 'Add customers to a static list from a CSV of phones or customer numbers, one per line (the file as the body; 2 MB)',
          params: idParam,
          querystring: importQuery,
          response: { 200: segmentImportReport },
        },
        config,
      },
      async (req) => {
        const { id } = req.params as z.infer<typeof idParam>;
        const { by } = req.query as z.infer<typeof importQuery>;
        return db.transaction((tx) => importMembers(tx, req.actor, id, by, req.body as UploadedList));
      },
    );
  });
}
