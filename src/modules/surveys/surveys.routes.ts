import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { invitationRoutes, type DistributionRuntime } from './invitations.routes.js';
import { surveyResultRoutes } from './results.routes.js';
import { surveyPage, surveyTemplateList, surveyVersionList, surveyView } from './surveys.schemas.js';
import {
  activateSurvey,
  closeSurvey,
  createSurvey,
  deleteSurvey,
  getSurvey,
  listSurveys,
  listTemplates,
  listVersions,
  restoreSurvey,
  updateSurvey,
} from './surveys.service.js';
import { createSurveyBody, idParam, surveyListQuery, updateSurveyBody, versionBody } from './surveys.types.js';

/** `distribution`: the outbox runtime and job runner of sends and reminders (invitations.routes.ts); none, no such routes. */
export type SurveyRouteContext = ServiceContext & { distribution?: DistributionRuntime };

export async function surveyRoutes(app: App, ctx: SurveyRouteContext): Promise<void> {
  const { db } = ctx;
  const tags = ['surveys'];
  const config = { fieldLabels: 'survey' };

  app.get(
    '/api/v1/surveys',
    { schema: { tags, summary: 'Surveys, newest first (keyset), with the total; by status, kind, part of the name, or the trash', querystring: surveyListQuery, response: { 200: surveyPage } }, config },
    async (req) => listSurveys(db, req.actor, req.query),
  );
  app.post(
    '/api/v1/surveys',
    { schema: { tags, summary: 'Create a survey (a draft) from a template or a definition', body: createSurveyBody, response: { 201: surveyView } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createSurvey(tx, req.actor, req.body))),
  );
  app.get('/api/v1/surveys/templates', { schema: { tags, summary: 'The shipped survey templates', response: { 200: surveyTemplateList } } }, async (req) =>
    listTemplates(req.actor),
  );
  app.get(
    '/api/v1/surveys/:id',
    { schema: { tags, summary: 'One survey with its current definition, version number and response counts', params: idParam, response: { 200: surveyView } } },
    async (req) => getSurvey(db, req.actor, req.params.id),
  );
  app.patch(
    '/api/v1/surveys/:id',
    {
      schema: {
        tags,
        summary: 'Change the name, settings, owner or definition (a definition with responses becomes a new version; 409 unless `version` is current)',
        params: idParam,
        body: updateSurveyBody,
        response: { 200: surveyView },
      },
      config,
    },
    async (req) => db.transaction((tx) => updateSurvey(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/surveys/:id', { schema: { tags, summary: 'Move a survey to the trash (restorable; an active survey is closed first, else 409)', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteSurvey(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post('/api/v1/surveys/:id/restore', { schema: { tags, summary: 'Restore a survey from the trash', params: idParam, response: { 200: surveyView } } }, async (req) =>
    db.transaction((tx) => restoreSurvey(tx, req.actor, req.params.id)),
  );
  app.post(
    '/api/v1/surveys/:id/activate',
    { schema: { tags, summary: 'Activate a draft or closed survey: invitations and answers are accepted', params: idParam, body: versionBody, response: { 200: surveyView } }, config },
    async (req) => db.transaction((tx) => activateSurvey(tx, req.actor, req.params.id, req.body.version)),
  );
  app.post(
    '/api/v1/surveys/:id/close',
    { schema: { tags, summary: 'Close an active survey: answers are refused from now on', params: idParam, body: versionBody, response: { 200: surveyView } }, config },
    async (req) => db.transaction((tx) => closeSurvey(tx, req.actor, req.params.id, req.body.version)),
  );
  app.get(
    '/api/v1/surveys/:id/versions',
    { schema: { tags, summary: "A survey's definition versions, newest first, with their response counts", params: idParam, response: { 200: surveyVersionList } } },
    async (req) => listVersions(db, req.actor, req.params.id),
  );
  await surveyResultRoutes(app, ctx);
  if (ctx.distribution) await invitationRoutes(app, { db, distribution: ctx.distribution });
}
