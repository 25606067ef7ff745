import type { ServiceContext } from '../../platform/context.js';
import { fileResponse } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { configurePrivacyKey } from './erased-keys.js';
import { erasureRoutes } from './erase.routes.js';
import { privacyHookList, privacyRequestDetail, privacyRequestPage, privacyRequestView } from './privacy.schemas.js';
import { createRequest, exportRequest, getRequest, listHooks, listRequests, updateRequest } from './privacy.service.js';
import { createRequestBody, requestIdParam, requestListQuery, updateRequestBody } from './privacy.types.js';

export type PrivacyContext = ServiceContext & { now?: () => Date };

/** 个人信息请求: the register of PIPL requests, and the export of a person's data (issue #18). All need privacy:manage. */
export async function privacyRoutes(app: App, ctx: PrivacyContext): Promise<void> {
  const { db } = ctx;
  configurePrivacyKey(ctx.config); // the erased-person hashes' key: HEARTH_PRIVACY_KEY, else DATA_DIR/privacy.key
  const now = ctx.now ?? (() => new Date());
  const tags = ['privacy'];
  const config = { fieldLabels: 'privacy' };

  app.get(
    '/api/v1/privacy/requests',
    { schema: { tags, summary: 'Personal-information requests, newest received first (filters: status, kind, overdue, customer, handler)', querystring: requestListQuery, response: { 200: privacyRequestPage } } },
    async (req) => listRequests(db, req.actor, req.query, now()),
  );
  app.post(
    '/api/v1/privacy/requests',
    { schema: { tags, summary: 'Register a request (due: the end of the 15th working day after receipt)', body: createRequestBody, response: { 201: privacyRequestView } }, config },
    async (req, reply) => {
      const view = await db.transaction((tx) => createRequest(tx, req.actor, req.body, now()));
      return reply.code(201).send(view);
    },
  );
  app.get('/api/v1/privacy/requests/:id', { schema: { tags, summary: 'One request with its history', params: requestIdParam, response: { 200: privacyRequestDetail } } }, async (req) =>
    getRequest(db, req.actor, req.params.id, now()),
  );
  app.patch(
    '/api/v1/privacy/requests/:id',
    {
      schema: { tags, summary: 'Record verification, link the customer, assign, answer, or move the status', params: requestIdParam, body: updateRequestBody, response: { 200: privacyRequestView } },
      config,
    },
    async (req) => db.transaction((tx) => updateRequest(tx, req.actor, req.params.id, req.body, now())),
  );
  app.get(
    '/api/v1/privacy/requests/:id/export',
    {
      schema: {
        tags,
        summary: "Everything held about the request's customer, as one ZIP (JSON per module, a workbook, a manifest; audited)",
        params: requestIdParam,
        response: { 200: fileResponse('A ZIP archive', 'application/zip') },
      },
    },
    async (req, reply) => {
      const { zip, fileName } = await db.transaction((tx) => exportRequest(tx, req.actor, req.params.id, now(), ctx.config.dataDir));
      reply.type('application/zip').header('content-disposition', `attachment; filename="${fileName}"`).header('cache-control', 'no-store');
      return reply.send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    },
  );
  await erasureRoutes(app, ctx); // 删除个人信息: propose, withdraw, approve (erase.routes.ts)
  app.get('/api/v1/privacy/hooks', { schema: { tags, summary: 'The modules an export gathers from, and their tables', response: { 200: privacyHookList } } }, async (req) =>
    listHooks(req.actor),
  );
}
