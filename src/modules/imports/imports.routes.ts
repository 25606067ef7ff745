import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import {
  cancelImport,
  deleteImportTemplate,
  getImport,
  listImportRejects,
  listImports,
  listImportTemplates,
  startImport,
  uploadImport,
} from './imports.service.js';
import { rejectsWorkbook } from './rejects.workbook.js';
import { importIdParam, listQuery, rejectsQuery, startBody, templatesQuery, uploadQuery } from './imports.types.js';
import { importJobList, importJobView, importPreview, importRejectPage, importTemplateList } from './imports.schemas.js';
import { fileResponse, noContent, XLSX_MEDIA_TYPE } from '../../platform/http/response.js';

export async function importRoutes(app: App, ctx: ServiceContext & { enqueue: (jobId: string) => Promise<void> }): Promise<void> {
  const { db } = ctx;
  const tags = ['imports'];

  // The upload is the file itself as the request body (any content type), streamed to disk.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scope.post(
      '/api/v1/imports',
      {
        bodyLimit: ctx.config.importMaxBytes,
        schema: {
          tags,
          summary: 'Upload a CSV or XLSX file to import: returns a preview and a suggested column mapping',
          querystring: uploadQuery,
          response: { 201: importPreview },
        },
      },
      async (req, reply) => reply.code(201).send(await uploadImport(ctx, req.actor, req.query as z.infer<typeof uploadQuery>, req.raw as Readable, req.locale)),
    );
  });
  app.get('/api/v1/imports', { schema: { tags, summary: 'Recent imports', querystring: listQuery, response: { 200: importJobList } } }, async (req) => ({
    items: await listImports(db, req.actor, req.query.limit),
  }));
  app.get('/api/v1/imports/:id', { schema: { tags, summary: 'An import: status, progress and counts', params: importIdParam, response: { 200: importJobView } } }, async (req) =>
    getImport(db, req.actor, req.params.id),
  );
  app.post(
    '/api/v1/imports/:id/start',
    { schema: { tags, summary: 'Start an uploaded import with a column mapping and a duplicate policy', params: importIdParam, body: startBody, response: { 200: importJobView } } },
    async (req) => startImport(ctx, req.actor, req.params.id, req.body, req.locale),
  );
  app.post('/api/v1/imports/:id/cancel', { schema: { tags, summary: 'Stop an import (rows already written stay)', params: importIdParam, response: { 200: importJobView } } }, async (req) =>
    cancelImport(db, req.actor, req.params.id),
  );
  app.get(
    '/api/v1/imports/:id/rejects',
    { schema: { tags, summary: 'Rejected rows with their numbers and reasons', params: importIdParam, querystring: rejectsQuery, response: { 200: importRejectPage } } },
    async (req) => listImportRejects(db, req.actor, req.params.id, req.query, req.locale),
  );
  app.get(
    '/api/v1/imports/:id/report.xlsx',
    { schema: { tags, summary: 'The rejected rows as a workbook (row, reason, original cells)', params: importIdParam, response: { 200: fileResponse('An XLSX workbook', XLSX_MEDIA_TYPE) } } },
    async (req, reply) => {
      const { stream, fileName } = await rejectsWorkbook(db, req.actor, req.params.id, req.locale);
      reply
        .type(XLSX_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .header('cache-control', 'no-store');
      return reply.send(stream);
    },
  );
  app.get('/api/v1/import-templates', { schema: { tags, summary: 'Saved column mappings', querystring: templatesQuery, response: { 200: importTemplateList } } }, async (req) => ({
    items: await listImportTemplates(db, req.actor, req.query.kind),
  }));
  app.delete('/api/v1/import-templates/:id', { schema: { tags, summary: 'Delete a saved mapping', params: importIdParam, response: { 204: noContent } } }, async (req, reply) => {
    await deleteImportTemplate(db, req.actor, req.params.id);
    return reply.code(204).send();
  });
}
