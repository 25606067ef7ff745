import type { ServiceContext } from '../../platform/context.js';
import type { Jobs } from '../../platform/jobs.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { kickIfQueued, type MessagingRuntime } from '../messages/index.js';
import { createFeedbackCategory, listFeedbackCategories, updateFeedbackCategory } from './categories.service.js';
import {
  feedbackBulkResult,
  feedbackCategory,
  feedbackCategoryList,
  feedbackInboundSettings,
  feedbackItem,
  feedbackPage,
  feedbackModelsResponse,
  feedbackRetrainAccepted,
  feedbackRetrainRun,
  feedbackRule,
  feedbackRuleList,
} from './feedback.schemas.js';
import { feedbackModelsView, getRetrainRun, requestRetrain, retrainJobs } from './retrain.service.js';
import { createFeedback, deleteFeedback, getFeedback, listFeedback, restoreFeedback, updateFeedback } from './feedback.service.js';
import {
  bulkFeedbackBody,
  createCategoryBody,
  createFeedbackBody,
  feedbackListQuery,
  idParam,
  inboundSettingsPatch,
  replyBody,
  ruleBody,
  rulePatch,
  updateCategoryBody,
  updateFeedbackBody,
} from './feedback.types.js';
import { bulkFeedback } from './bulk.service.js';
import { inboundRoutes } from './inbound.routes.js';
import { inboundSettingsView, updateInboundSettings } from './inbound.service.js';
import { createAssignmentRule, deleteAssignmentRule, listAssignmentRules, updateAssignmentRule } from './rules.service.js';
import { feedbackToTicket, replyToFeedback } from './handling.service.js';
import { feedbackHotTopics, feedbackKeywordCloud, feedbackSentimentTrends, feedbackTrends } from './analysis.service.js';
import { hotTopicsResponse, keywordsQuery, keywordsResponse, sentimentQuery, sentimentResponse, trendsQuery, trendsResponse } from './analysis.schemas.js';

/**
 * `messaging`: the outbox runtime (its clock, the sender's kick) — replies go out through it, tickets use it too.
 * `jobs`: the job queue a retrain (重新训练) runs on; `resumeAfter`: unfinished retrains are queued again after this many
 * seconds (null: this process resumes none).
 */
export async function feedbackRoutes(app: App, ctx: ServiceContext & { messaging: MessagingRuntime; jobs: Jobs; resumeAfter: number | null }): Promise<void> {
  const { db, messaging } = ctx;
  const enqueueRetrain = await retrainJobs(db, ctx.jobs, ctx.resumeAfter, (line) => app.log.warn(line));
  const now = () => messaging.now();
  const tags = ['feedback'];
  const config = { fieldLabels: 'feedback' };
  const ruleConfig = { fieldLabels: 'feedback_rule' };

  // ---- items ----
  app.get(
    '/api/v1/feedback',
    { schema: { tags, summary: 'The feedback inbox: filters by status, category, sentiment, owner, customer, text and creation days; newest first', querystring: feedbackListQuery, response: { 200: feedbackPage } }, config },
    async (req) => listFeedback(db, req.actor, req.query),
  );
  app.post(
    '/api/v1/feedback',
    { schema: { tags, summary: "Record a customer's feedback (analysed: sentiment, keywords, suggested category)", body: createFeedbackBody, response: { 201: feedbackItem } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createFeedback(tx, req.actor, req.body, now()))),
  );
  app.post(
    '/api/v1/feedback/bulk',
    {
      schema: {
        tags,
        summary: 'Assign, change the status of, or set the category of up to 500 items: each by the rules of a single change, each reported (done, unchanged, refused and why)',
        body: bulkFeedbackBody,
        response: { 200: feedbackBulkResult },
      },
      config,
    },
    async (req) => db.transaction((tx) => bulkFeedback(tx, req.actor, req.body, now())),
  );
  app.get('/api/v1/feedback/:id', { schema: { tags, summary: 'One feedback item', params: idParam, response: { 200: feedbackItem } }, config }, async (req) =>
    getFeedback(db, req.actor, req.params.id),
  );
  app.patch(
    '/api/v1/feedback/:id',
    { schema: { tags, summary: 'Correct the category or the sentiment, assign, change the status (409 when `version` is stale)', params: idParam, body: updateFeedbackBody, response: { 200: feedbackItem } }, config },
    async (req) => db.transaction((tx) => updateFeedback(tx, req.actor, req.params.id, req.body, now())),
  );
  app.delete('/api/v1/feedback/:id', { schema: { tags, summary: 'Remove a feedback item (it can be restored)', params: idParam, response: { 204: noContent } }, config }, async (req, reply) => {
    await db.transaction((tx) => deleteFeedback(tx, req.actor, req.params.id, now()));
    return reply.code(204).send();
  });
  app.post('/api/v1/feedback/:id/restore', { schema: { tags, summary: 'Restore a removed feedback item', params: idParam, response: { 200: feedbackItem } }, config }, async (req) =>
    db.transaction((tx) => restoreFeedback(tx, req.actor, req.params.id, now())),
  );
  app.post(
    '/api/v1/feedback/:id/reply',
    { schema: { tags, summary: "Reply to the customer through the outbox (their agreed channel); the item becomes replied", params: idParam, body: replyBody, response: { 200: feedbackItem } }, config },
    async (req) => {
      const { item, message } = await db.transaction((tx) => replyToFeedback(tx, req.actor, req.params.id, req.body, messaging));
      await kickIfQueued(messaging, message);
      return item;
    },
  );
  app.post(
    '/api/v1/feedback/:id/ticket',
    { schema: { tags, summary: 'Turn the item into a ticket (once; 409 the second time)', params: idParam, response: { 201: feedbackItem } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => feedbackToTicket(tx, req.actor, req.params.id, messaging))),
  );

  // ---- analysis (反馈分析) ----
  app.get(
    '/api/v1/feedback-analysis/trends',
    { schema: { tags, summary: 'Items per company day or week over a range, split by category, sentiment or compound (the inbox\'s data scope)', querystring: trendsQuery, response: { 200: trendsResponse } }, config },
    async (req) => feedbackTrends(db, req.actor, req.query, req.locale, now()),
  );
  app.get(
    '/api/v1/feedback-analysis/sentiment',
    { schema: { tags, summary: 'The negative share per day or week, overall and by category or compound', querystring: sentimentQuery, response: { 200: sentimentResponse } }, config },
    async (req) => feedbackSentimentTrends(db, req.actor, req.query, req.locale, now()),
  );
  app.get(
    '/api/v1/feedback-analysis/keywords',
    { schema: { tags, summary: 'The keyword cloud: the most frequent keywords of the items in a range (and filters), with weights', querystring: keywordsQuery, response: { 200: keywordsResponse } }, config },
    async (req) => feedbackKeywordCloud(db, req.actor, req.query, now()),
  );
  app.get(
    '/api/v1/feedback-analysis/hot-topics',
    { schema: { tags, summary: "Hot topics: categories and keywords whose share of the last 7 company days jumps against the 4 weeks before (the rule in the answer)", response: { 200: hotTopicsResponse } }, config },
    async (req) => feedbackHotTopics(db, req.actor, req.locale, now()),
  );

  // ---- assignment rules (分派规则) and the inbound channels' settings (administrators) ----
  app.get('/api/v1/feedback-assignment-rules', { schema: { tags, summary: 'Assignment rules, in the order they are tried', response: { 200: feedbackRuleList } } }, async (req) =>
    listAssignmentRules(db, req.actor),
  );
  app.post('/api/v1/feedback-assignment-rules', { schema: { tags, summary: 'Add an assignment rule', body: ruleBody, response: { 201: feedbackRule } }, config: ruleConfig }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createAssignmentRule(tx, req.actor, req.body))),
  );
  app.patch('/api/v1/feedback-assignment-rules/:id', { schema: { tags, summary: 'Change an assignment rule', params: idParam, body: rulePatch, response: { 200: feedbackRule } }, config: ruleConfig }, async (req) =>
    db.transaction((tx) => updateAssignmentRule(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/feedback-assignment-rules/:id', { schema: { tags, summary: 'Delete an assignment rule', params: idParam, response: { 204: noContent } }, config }, async (req, reply) => {
    await db.transaction((tx) => deleteAssignmentRule(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.get('/api/v1/feedback-settings/inbound', { schema: { tags, summary: 'Which inbound channel secrets are set (never the secrets)', response: { 200: feedbackInboundSettings } } }, async (req) =>
    inboundSettingsView(db, req.actor),
  );
  app.patch(
    '/api/v1/feedback-settings/inbound',
    { schema: { tags, summary: "Set or remove the WeChat server token and the email callback key (a value sets, null removes, absent keeps)", body: inboundSettingsPatch, response: { 200: feedbackInboundSettings } }, config },
    async (req) => db.transaction((tx) => updateInboundSettings(tx, req.actor, req.body)),
  );

  await inboundRoutes(app, db, now);

  // ---- the company's own models (重新训练: administrators) ----
  app.get(
    '/api/v1/feedback-models',
    { schema: { tags, summary: "The company's sentiment and category models in use, the corrections waiting, whether each kind can be trained, and the latest retrain", response: { 200: feedbackModelsResponse } } },
    async (req) => feedbackModelsView(db, req.actor),
  );
  app.post(
    '/api/v1/feedback-models/retrain',
    {
      schema: {
        tags,
        summary:
          "Retrain the company's models from the agents' corrections, as a background run (one at a time: a request while one is queued or running answers it); 409 naming corrections when neither kind has enough",
        response: { 202: feedbackRetrainAccepted },
      },
      config: { fieldLabels: 'feedback' },
    },
    async (req, reply) => {
      const r = await db.transaction((tx) => requestRetrain(tx, req.actor, 'manual'));
      if (r.queued) await enqueueRetrain(r.run.id);
      return reply.code(202).send(r);
    },
  );
  app.get('/api/v1/feedback-models/runs/:id', { schema: { tags, summary: 'One retrain: its status, phase and what it did with each kind', params: idParam, response: { 200: feedbackRetrainRun } } }, async (req) =>
    getRetrainRun(db, req.actor, req.params.id),
  );

  // ---- categories ----
  app.get('/api/v1/feedback-categories', { schema: { tags, summary: 'The feedback category tree (flat, with parentId), archived ones included', response: { 200: feedbackCategoryList } } }, async (req) =>
    listFeedbackCategories(db, req.actor),
  );
  app.post('/api/v1/feedback-categories', { schema: { tags, summary: 'Create a category', body: createCategoryBody, response: { 201: feedbackCategory } }, config }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createFeedbackCategory(tx, req.actor, req.body))),
  );
  app.patch(
    '/api/v1/feedback-categories/:id',
    { schema: { tags, summary: 'Rename, move, reorder, change the seed words of, archive or restore a category', params: idParam, body: updateCategoryBody, response: { 200: feedbackCategory } }, config },
    async (req) => db.transaction((tx) => updateFeedbackCategory(tx, req.actor, req.params.id, req.body)),
  );
}
