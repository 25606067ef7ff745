import type { ServiceContext } from '../../platform/context.js';
import { fileResponse, noContent, XLSX_MEDIA_TYPE } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { performanceWorkbook } from './performance.export.js';
import { performanceReportView, performanceWeights, trainingNoteList, trainingNoteView } from './performance.schemas.js';
import { addTrainingNote, deleteTrainingNote, getWeights, listTrainingNotes, performanceReport, setWeights } from './performance.service.js';
import { idParam, performanceQuery, trainingNoteBody, userQuery, weightsBody } from './performance.types.js';

/** `now`: the app's clock (tests move it). */
export async function performanceRoutes(app: App, ctx: ServiceContext & { now?: () => Date }): Promise<void> {
  const { db } = ctx;
  const now = () => ctx.now?.() ?? new Date();
  const tags = ['performance'];
  const config = { fieldLabels: 'performance' };

  app.get(
    '/api/v1/performance',
    { schema: { tags, summary: "A month's KPIs per agent, with the weighted incentive score and rank (leaderboard)", querystring: performanceQuery, response: { 200: performanceReportView } }, config },
    async (req) => performanceReport(db, req.actor, req.query, now()),
  );
  app.get(
    '/api/v1/performance/export.xlsx',
    { schema: { tags, summary: 'The same month as a workbook, for payroll', querystring: performanceQuery, response: { 200: fileResponse('An XLSX workbook', XLSX_MEDIA_TYPE) } }, config },
    async (req, reply) => {
      const report = await performanceReport(db, req.actor, req.query, now());
      const body = await performanceWorkbook(report, req.locale);
      reply
        .type(XLSX_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="performance-${report.month}.xlsx"`)
        .header('cache-control', 'no-store');
      return reply.send(body);
    },
  );
  app.get('/api/v1/performance/weights', { schema: { tags, summary: 'The weights of the incentive score', response: { 200: performanceWeights } } }, async (req) => getWeights(db, req.actor));
  app.put('/api/v1/performance/weights', { schema: { tags, summary: 'Set the weights of the incentive score (0–100 each)', body: weightsBody, response: { 200: performanceWeights } }, config }, async (req) =>
    db.transaction((tx) => setWeights(tx, req.actor, req.body)),
  );
  app.get('/api/v1/performance/notes', { schema: { tags, summary: "A person's training notes, newest first", querystring: userQuery, response: { 200: trainingNoteList } }, config }, async (req) =>
    listTrainingNotes(db, req.actor, req.query.userId),
  );
  app.post('/api/v1/performance/notes', { schema: { tags, summary: 'Record a training note for a person', body: trainingNoteBody, response: { 201: trainingNoteView } }, config }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => addTrainingNote(tx, req.actor, req.body))),
  );
  app.delete('/api/v1/performance/notes/:id', { schema: { tags, summary: 'Remove a training note', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteTrainingNote(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
}
