import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { createGoal, deleteGoal, ensureGoalSeed, getGoal, goalMetricCatalogue, listGoalViews, restoreGoal, updateGoal } from './goals.service.js';
import { goalDetail, goalList, goalMetricList } from './goals.schemas.js';
import { createGoalBody, goalIdParam, goalListQuery, updateGoalBody } from './goals.types.js';

/** `now`: the app's clock (tests move it); `changed`: a goal was set or changed (the app asks the clock for its history). */
export async function goalRoutes(app: App, ctx: ServiceContext & { now?: () => Date; changed?: () => void }): Promise<void> {
  const { db } = ctx;
  const now = () => ctx.now?.() ?? new Date();
  const tags = ['goals'];
  const config = { fieldLabels: 'goal' };

  app.get('/api/v1/goals/metrics', { schema: { tags, summary: 'The metrics a goal can be set on (each module adds its own)', response: { 200: goalMetricList } } }, async (req) =>
    goalMetricCatalogue(db, req.actor),
  );
  app.get(
    '/api/v1/goals',
    { schema: { tags, summary: 'Goals the user may see, with their progress, forecast and status computed now', querystring: goalListQuery, response: { 200: goalList } }, config },
    async (req) => {
      await ensureGoalSeed(db, now());
      return listGoalViews(db, req.actor, req.query, now());
    },
  );
  app.post('/api/v1/goals', { schema: { tags, summary: 'Set a goal', body: createGoalBody, response: { 201: goalDetail } }, config }, async (req, reply) => {
    const goal = await db.transaction((tx) => createGoal(tx, req.actor, req.body, now()));
    ctx.changed?.();
    return reply.code(201).send(goal);
  });
  app.get('/api/v1/goals/:id', { schema: { tags, summary: 'A goal with its progress and its daily history', params: goalIdParam, response: { 200: goalDetail } } }, async (req) =>
    getGoal(db, req.actor, req.params.id, now()),
  );
  app.patch(
    '/api/v1/goals/:id',
    { schema: { tags, summary: 'Change a goal (a new target or period drops its history, written again by the clock)', params: goalIdParam, body: updateGoalBody, response: { 200: goalDetail } }, config },
    async (req) => {
      const goal = await db.transaction((tx) => updateGoal(tx, req.actor, req.params.id, req.body, now()));
      ctx.changed?.();
      return goal;
    },
  );
  app.delete('/api/v1/goals/:id', { schema: { tags, summary: 'Remove a goal (it can be restored)', params: goalIdParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteGoal(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post('/api/v1/goals/:id/restore', { schema: { tags, summary: 'Restore a removed goal', params: goalIdParam, response: { 200: goalDetail } } }, async (req) =>
    db.transaction((tx) => restoreGoal(tx, req.actor, req.params.id, now())),
  );
}
