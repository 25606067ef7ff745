import type { ServiceContext } from '../../platform/context.js';
import { fileResponse, noContent, XLSX_MEDIA_TYPE } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { reportPdf } from './reports.pdf.js';
import { reportDeliveryList, reportDocument, reportSubscriptionList, reportSubscriptionView } from './reports.schemas.js';
import { generateReport } from './reports.service.js';
import { createSubscriptionBody, reportParams, reportQuery, subscriptionParams, updateSubscriptionBody } from './reports.types.js';
import { createSubscription, deleteSubscription, listSubscriptions, subscriptionDeliveries, updateSubscription } from './subscriptions.js';
import { reportWorkbook } from './reports.xlsx.js';

/** `now`: the app's clock (tests move it). */
export async function reportRoutes(app: App, ctx: ServiceContext & { now?: () => Date }): Promise<void> {
  const { db } = ctx;
  const now = () => ctx.now?.() ?? new Date();
  const tags = ['reports'];
  const config = { fieldLabels: 'report' };
  const fileName = (doc: { kind: string; period: { start: string } }, ext: string) => `attachment; filename="report-${doc.kind}-${doc.period.start}.${ext}"`;

  // ---- subscriptions (static paths: before /reports/:kind in Fastify's matching anyway) ----
  const sub = { fieldLabels: 'reportSubscription' };
  app.get('/api/v1/reports/subscriptions', { schema: { tags, summary: 'Report subscriptions (yours; all with a data scope of all)', response: { 200: reportSubscriptionList } } }, async (req) =>
    listSubscriptions(db, req.actor),
  );
  app.post(
    '/api/v1/reports/subscriptions',
    { schema: { tags, summary: 'Subscribe addresses to a weekly or monthly report, emailed through the outbox', body: createSubscriptionBody, response: { 201: reportSubscriptionView } }, config: sub },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createSubscription(tx, req.actor, req.body))),
  );
  app.patch(
    '/api/v1/reports/subscriptions/:id',
    { schema: { tags, summary: 'Change recipients or format, pause or resume', params: subscriptionParams, body: updateSubscriptionBody, response: { 200: reportSubscriptionView } }, config: sub },
    async (req) => db.transaction((tx) => updateSubscription(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/reports/subscriptions/:id', { schema: { tags, summary: 'Unsubscribe', params: subscriptionParams, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteSubscription(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.get(
    '/api/v1/reports/subscriptions/:id/deliveries',
    { schema: { tags, summary: "The send history: each period's emails and their state in the outbox (attempts, errors)", params: subscriptionParams, response: { 200: reportDeliveryList } } },
    async (req) => subscriptionDeliveries(db, req.actor, req.params.id),
  );

  app.get(
    '/api/v1/reports/:kind',
    { schema: { tags, summary: 'A weekly or monthly report (service, value, retention) on screen', params: reportParams, querystring: reportQuery, response: { 200: reportDocument } }, config },
    async (req) => generateReport(db, req.actor, { kind: req.params.kind, ...req.query }, now()),
  );
  app.get(
    '/api/v1/reports/:kind/export.xlsx',
    { schema: { tags, summary: 'The same report as a workbook', params: reportParams, querystring: reportQuery, response: { 200: fileResponse('An XLSX workbook', XLSX_MEDIA_TYPE) } }, config },
    async (req, reply) => {
      const doc = await generateReport(db, req.actor, { kind: req.params.kind, ...req.query }, now());
      const body = await reportWorkbook(doc, req.locale);
      reply.type(XLSX_MEDIA_TYPE).header('content-disposition', fileName(doc, 'xlsx')).header('cache-control', 'no-store');
      return reply.send(body);
    },
  );
  app.get(
    '/api/v1/reports/:kind/export.pdf',
    { schema: { tags, summary: 'The same report as a PDF (Chinese text embedded: a subset of Noto Sans SC)', params: reportParams, querystring: reportQuery, response: { 200: fileResponse('A PDF document', 'application/pdf') } }, config },
    async (req, reply) => {
      const doc = await generateReport(db, req.actor, { kind: req.params.kind, ...req.query }, now());
      const body = await reportPdf(doc, req.locale);
      reply.type('application/pdf').header('content-disposition', fileName(doc, 'pdf')).header('cache-control', 'no-store');
      return reply.send(body);
    },
  );
}
