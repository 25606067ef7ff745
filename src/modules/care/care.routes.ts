import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import {
  archivePlan,
  archiveRule,
  coverageReport,
  createPlan,
  createRule,
  listPlans,
  listRules,
  previewRule,
  runCare,
  updatePlan,
  updateRule,
  type CareRuntime,
} from './care.service.js';
import { coverageReport as coverageReportSchema, planList, planView, ruleList, rulePreview, ruleView, runSummary } from './care.schemas.js';
import { coverageQuery, createPlanBody, createRuleBody, idParam, previewRuleBody, updatePlanBody, updateRuleBody } from './care.types.js';
import { z } from 'zod';

const runBody = z.strictObject({ planId: z.uuid().optional(), ruleId: z.uuid().optional() });

export async function careRoutes(app: App, ctx: ServiceContext & { care: CareRuntime }): Promise<void> {
  const { db, care } = ctx;
  const tags = ['care'];
  const labels = { fieldLabels: 'care' };

  app.get('/api/v1/care/plans', { schema: { tags, summary: '回访计划: return-visit plans', response: { 200: planList } } }, async (req) => listPlans(db, req.actor));
  app.post('/api/v1/care/plans', { schema: { tags, summary: 'Create a return-visit plan', body: createPlanBody, response: { 201: planView } }, config: labels }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createPlan(tx, req.actor, req.body))),
  );
  app.patch('/api/v1/care/plans/:id', { schema: { tags, summary: 'Change a return-visit plan', params: idParam, body: updatePlanBody, response: { 200: planView } }, config: labels }, async (req) =>
    db.transaction((tx) => updatePlan(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/care/plans/:id', { schema: { tags, summary: 'Archive a return-visit plan', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => archivePlan(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });

  app.get('/api/v1/care/rules', { schema: { tags, summary: '关怀规则: care rules', response: { 200: ruleList } } }, async (req) => listRules(db, req.actor));
  app.post('/api/v1/care/rules', { schema: { tags, summary: 'Create a care rule', body: createRuleBody, response: { 201: ruleView } }, config: labels }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createRule(tx, req.actor, req.body))),
  );
  app.patch('/api/v1/care/rules/:id', { schema: { tags, summary: 'Change a care rule', params: idParam, body: updateRuleBody, response: { 200: ruleView } }, config: labels }, async (req) =>
    db.transaction((tx) => updateRule(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/care/rules/:id', { schema: { tags, summary: 'Archive a care rule', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => archiveRule(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post(
    '/api/v1/care/rules/preview',
    { schema: { tags, summary: 'Who a rule would reach on which day in the next 30 days, with the festival dates', body: previewRuleBody, response: { 200: rulePreview } }, config: labels },
    async (req) => previewRule(db, req.actor, req.body, care),
  );

  app.post(
    '/api/v1/care/run',
    { schema: { tags, summary: 'Run the plans and rules now (all, or one plan or rule); returns what was created', body: runBody, response: { 200: runSummary } } },
    async (req) => runCare(db, req.actor, care, req.body),
  );
  app.get(
    '/api/v1/care/coverage',
    { schema: { tags, summary: 'Return-visit coverage per plan and owner, and the overdue visits', querystring: coverageQuery, response: { 200: coverageReportSchema } } },
    async (req) => coverageReport(db, req.actor, req.query, care),
  );
}
