import type { Config } from './platform/config.js';
import type { Database, Db, DbOrTx } from './platform/db/client.js';
import { createServer, type App } from './platform/http/server.js';
import './messages.js'; // every module's server messages: registered for every entry point (server, CLI, tests)
import { registerIdempotency } from './platform/http/idempotency.js';
import type { ServiceContext } from './platform/context.js';
import { accountsRoutes, actorForUserId, authenticateSession, authenticateToken, ensureBuiltinRoles } from './modules/accounts/index.js';
import { auditRetention, auditRoutes } from './modules/audit/index.js';
import { customerImporter, customerRoutes, mergeRoutes, registerConsentLedger, registerCustomerCreatedHook, registerCustomerListFilter, registerMergeHook, tagRoutes } from './modules/customers/index.js';
import { importRoutes, registerImporter, runImport, unfinishedImportIds } from './modules/imports/index.js';
import { settingsRoutes } from './modules/settings/index.js';
import { customFieldRoutes } from './modules/fields/index.js';
import { registerTransactionCodeHandler, registerTransactionWrittenHook, transactionImporter, transactionMergeHook, transactionRoutes, transactionTimelineSource, transactionGoalMetrics } from './modules/transactions/index.js';
import {
  interactionMergeHook,
  interactionRoutes,
  interactionTimelineSource,
  registerTimelineSource,
  taskMergeHook,
  taskTimelineSource,
} from './modules/interactions/index.js';
import { Jobs, prepareJobQueues } from './platform/jobs.js';
import { DEMO_QUEUE, demoRoutes, runDemoJob, unfinishedDemo } from './modules/demo/index.js';
import { kickSweep, MessageDelivery, messageMergeHook, messageRoutes, messageTimelineSource, registerMessageAttachments, type MessagingRuntime } from './modules/messages/index.js';
import { careDashboardTiles, careMergeHook, careRoutes, runCare } from './modules/care/index.js';
import { systemActor } from './platform/auth/permissions.js';
import { kbRoutes } from './modules/kb/index.js';
import { dashboardRoutes, registerDashboardTile, systemDashboardTiles } from './modules/dashboards/index.js';
import { ticketAttachmentRetention, ticketDashboardTiles, ticketGoalMetrics } from './modules/tickets/index.js';
import { viewRoutes } from './modules/views/index.js';
import { goalDashboardTiles, goalRoutes, registerGoalMetric, snapshotGoals } from './modules/goals/index.js';
import { performanceRoutes, performanceDashboardTiles } from './modules/performance/index.js';
import { FEEDBACK_RETRAIN_QUEUE, feedbackChurnSignal, feedbackDashboardTiles, feedbackImporter, feedbackFromInteraction, feedbackLearningInput, feedbackFromSurvey, feedbackFromTicketRating, feedbackGoalMetrics, feedbackPublicRoutes, feedbackRoutes, registerFeedbackHooks } from './modules/feedback/index.js';
import { REPORT_ATTACHMENTS, reportAttachments, reportRoutes, runReportSchedule } from './modules/reports/index.js';
import { interactionGoalMetrics, registerInteractionVoiceHook, taskDashboardTiles } from './modules/interactions/index.js';
import { analyticsDashboardTiles, analyticsGoalMetrics, analyticsListFilters } from './modules/analytics/index.js';
import { surveyDashboardTiles, surveyGoalMetrics } from './modules/surveys/index.js';
import { userDashboardTiles } from './modules/accounts/index.js';
import { importDashboardTiles } from './modules/imports/index.js';
import { messageDashboardTiles, outboxRetention } from './modules/messages/index.js';
import { registerTicketRatedHook, registerTicketResolvedHook, ticketChurnSignal, ticketMergeHook, ticketRoutes, ticketTimelineSource } from './modules/tickets/index.js';
import { slaRoutes, startSlaChecker } from './modules/tickets/sla/index.js';
import { ANALYTICS_QUEUE, analyticsRoutes, executeRun, queueNightly, registerChurnSignal, registerScorecardInput, unfinishedRunIds } from './modules/analytics/index.js';
import { CAMPAIGNS_QUEUE, campaignDashboardTiles, campaignGoalMetrics, campaignRoutes, endDueCampaigns, executeLaunch, launchDueCampaigns, transactionCodeHandler, unfinishedLaunchIds } from './modules/campaigns/index.js';
import {
  SURVEY_SEND_QUEUE,
  executeSend,
  recordTicketInvitations,
  registerSurveyResultHooks,
  registerSurveyVoiceHook,
  surveyClock,
  surveyMergeHooks,
  surveyPublicRoutes,
  surveyRoutes,
  unfinishedSendIds,
  type DistributionRuntime,
  type SendDeps,
} from './modules/surveys/index.js';
import { SEGMENTS_QUEUE, executeRefresh, queueNightlyRefresh, segmentDashboardTiles, segmentGoalMetrics, segmentListFilter, segmentMergeHook, segmentRoutes, unfinishedRefreshIds } from './modules/segments/index.js';
import { FACTS_QUEUE, checkFacts, executeFactsRebuild, setFactsRebuildRequester } from './modules/segments/index.js';
import { registerSearchSource, searchRoutes } from './modules/search/index.js';
import { loyaltyDashboardTiles, loyaltyGoalMetrics, loyaltyModuleRoutes, registerLoyaltyHooks, registerLoyaltySegmentFields, registerLoyaltyWriteHooks } from './modules/loyalty/index.js';
import { LOYALTY_QUEUE, executeUpkeep, queueNightlyUpkeep, unfinishedUpkeepIds } from './modules/loyalty/index.js';
import { registerSurveyCompletedHook } from './modules/surveys/index.js';
import { registerFeedbackReceivedHook } from './modules/feedback/index.js';
import { customerSearchSource } from './modules/customers/index.js';
import { ticketSearchSource } from './modules/tickets/index.js';
import { kbSearchSource } from './modules/kb/index.js';
import { userSearchSource } from './modules/accounts/index.js';
import { customerSummaryRoutes, registerCustomerSummarySource } from './modules/customers/index.js';
import { analyticsSummarySource } from './modules/analytics/index.js';
import { transactionSummarySource } from './modules/transactions/index.js';
import { interactionSummarySource } from './modules/interactions/index.js';
import { ticketCandidateRoutes, ticketSummarySource } from './modules/tickets/index.js';
import { careSummarySource } from './modules/care/index.js';
import { consentSummarySource } from './modules/messages/index.js';
import { loyaltySummarySource } from './modules/loyalty/index.js';
import { heatingSummarySource } from './modules/heating/index.js';
import { NOTIFICATION_CLEANUP_QUEUE, notificationPersonalData, notificationsModule, registerNotificationHooks } from './modules/notifications/index.js';
import { registerSlaAlertHook, registerTicketAssignedHook, registerTicketMessageHook } from './modules/tickets/index.js';
import { importPersonalData, registerImportFinishedHook } from './modules/imports/index.js';
import { registerAnalyticsRunFinishedHook } from './modules/analytics/index.js';
import { ARREARS_QUEUE, NOTICE_QUEUE, arrearsMergeHook, arrearsRebuildReason, arrearsWrittenHook, executeArrearsRebuild, executeNotice, heatingRoutes, queueArrearsRebuild, unfinishedArrearsRuns, unfinishedNotices } from './modules/heating/index.js';
import { demoStatus } from './modules/demo/index.js';
import { readCompanySettings } from './modules/settings/index.js';
import type { Actor } from './platform/auth/permissions.js';
import { erasedCustomerIds, erasedPersonLookup, privacyPersonalData, privacyRoutes, registerPersonalDataHook, registerPrivacyDueHook, remindPrivacyRequests } from './modules/privacy/index.js';
import { RETENTION_QUEUE, consentLedger, inactiveCustomersRetention, privacyLedgerAndRetention, registerRetentionSource } from './modules/privacy/index.js';
import { customerPersonalData, registerErasedCustomerCheck, registerErasedPersonLookup } from './modules/customers/index.js';
import { transactionPersonalData } from './modules/transactions/index.js';
import { interactionPersonalData } from './modules/interactions/index.js';
import { ticketPersonalData } from './modules/tickets/index.js';
import { messagePersonalData } from './modules/messages/index.js';
import { feedbackPersonalData } from './modules/feedback/index.js';
import { surveyPersonalData } from './modules/surveys/index.js';
import { loyaltyPersonalData } from './modules/loyalty/index.js';
import { analyticsPersonalData } from './modules/analytics/index.js';
import { carePersonalData } from './modules/care/index.js';
import { auditPersonalData } from './modules/audit/index.js';
import { campaignPersonalData } from './modules/campaigns/index.js';
import { segmentPersonalData } from './modules/segments/index.js';
import { heatingPersonalData } from './modules/heating/index.js';

/** pg-boss queue of outbox deliveries: one job per message attempt; the periodic sweep is the safety net. */
const MESSAGE_QUEUE = 'messages.deliver';
const MESSAGE_SWEEP_MS = 30_000;
/**
 * Return-visit plans and care rules run at start and hourly in every server process (a timer, like the sweep):
 * `care_occurrences` makes each (plan/rule, customer, occasion) fire once however many runs or processes race.
 */
const CARE_RUN_MS = 60 * 60_000;

/**
 * Return-visit plans and care rules, hourly (when the process resumes jobs): one run at a time; the app waits for it
 * when it closes. Returns the run, for the start-up run below.
 */
function startCareTimer(app: App, db: Db, messaging: MessagingRuntime, timer: boolean): () => void {
  let caring: Promise<unknown> | null = null;
  const careRun = () => {
    caring ??= runCare(db, systemActor('system'), { messaging })
      .catch((err: Error) => app.log.warn(`care run: ${err.message}`))
      .finally(() => (caring = null));
  };
  const careTimer = timer ? setInterval(careRun, CARE_RUN_MS) : null;
  careTimer?.unref();
  app.addHook('onClose', async () => {
    if (careTimer) clearInterval(careTimer);
    await caring;
  });
  return careRun;
}

/** Prepares a database for use: migrations, then the data the code relies on (built-in roles). */
export async function prepareDatabase(database: Database): Promise<void> {
  await database.migrate();
  await ensureBuiltinRoles(database.db);
}

/** Every job queue a server works (buildApp refuses to register a handler of a queue missing here). */
function jobQueues(): string[] {
  return ['import.run', DEMO_QUEUE, MESSAGE_QUEUE, FACTS_QUEUE, LOYALTY_QUEUE, SURVEY_SEND_QUEUE, ARREARS_QUEUE, NOTICE_QUEUE, ANALYTICS_QUEUE, SEGMENTS_QUEUE, CAMPAIGNS_QUEUE, NOTIFICATION_CLEANUP_QUEUE, RETENTION_QUEUE, FEEDBACK_RETRAIN_QUEUE];
}

/**
 * The job queue's own tables and every queue, made ahead (the test templates: each test database and browser-test
 * server is a copy, and would otherwise install pg-boss and create its queues on its first job, about a second of
 * the embedded database's time each). A server does the same by itself when its first job is sent.
 */
export async function prepareJobs(database: Database): Promise<void> {
  await prepareJobQueues(database, jobQueues());
}

registerImporter(customerImporter);
registerImporter(transactionImporter);
registerImporter(feedbackImporter);
// Merging duplicate customers: each module that keeps rows per customer moves its own (and moves them back on undo).
registerMergeHook(transactionMergeHook);
registerMergeHook(interactionMergeHook);
registerMergeHook(taskMergeHook);
registerMergeHook(messageMergeHook);
registerMergeHook(careMergeHook);
registerMergeHook(ticketMergeHook);
registerMergeHook(segmentMergeHook);
// The customer timeline: every module with business events on a customer contributes a source.
registerTimelineSource(interactionTimelineSource);
registerTimelineSource(transactionTimelineSource);
registerTimelineSource(taskTimelineSource);
registerTimelineSource(messageTimelineSource);
registerTimelineSource(ticketTimelineSource);
registerChurnSignal(ticketChurnSignal);
// Negative feedback of the last 30 days is a churn reason; feedback given in a year is the scorecard's learning input.
registerChurnSignal(feedbackChurnSignal);
registerScorecardInput(feedbackLearningInput);
// The home dashboards' tiles (首页), each module's own.
for (const tile of [
  ...ticketDashboardTiles,
  ...taskDashboardTiles,
  ...analyticsDashboardTiles,
  ...surveyDashboardTiles,
  ...userDashboardTiles,
  ...importDashboardTiles,
  ...messageDashboardTiles,
  ...segmentDashboardTiles,
  ...campaignDashboardTiles,
  ...systemDashboardTiles,
  ...goalDashboardTiles,
  ...performanceDashboardTiles,
  ...feedbackDashboardTiles,
  ...careDashboardTiles,
  ...loyaltyDashboardTiles,
])
  registerDashboardTile(tile);
// Goal metrics (目标管理): each module's figures a goal can be set on.
for (const metric of [...ticketGoalMetrics, ...surveyGoalMetrics, ...transactionGoalMetrics, ...interactionGoalMetrics, ...feedbackGoalMetrics, ...analyticsGoalMetrics, ...campaignGoalMetrics, ...segmentGoalMetrics, ...loyaltyGoalMetrics]) registerGoalMetric(metric);
registerSurveyResultHooks({ registerTimelineSource, registerChurnSignal, registerScorecardInput }); // survey answers on the timeline; detractors as a churn reason; NPS as word of mouth
registerFeedbackHooks({ registerTimelineSource, registerMergeHook }); // feedback and its replies on the timeline; merging moves a customer's feedback
registerLoyaltyHooks({ registerTimelineSource, registerMergeHook }); // tier changes and points movements on the timeline; merging moves a member's points
registerLoyaltySegmentFields(); // segments (and so campaigns) can pick members by tier and balance
// Loyalty hears of new customers (referral codes), transactions (points), surveys and feedback; at load, so the CLI's
// imports earn too; buildApp registers them again on its clock.
const loyaltyWriteRegistries = { registerCustomerCreatedHook, registerTransactionWrittenHook, registerSurveyCompletedHook, registerFeedbackReceivedHook };
registerLoyaltyWriteHooks(loyaltyWriteRegistries, () => new Date());
registerTransactionWrittenHook('heating', arrearsWrittenHook(() => new Date())); // 欠费 of the households a transaction write touched (the CLI's imports too)
// A ticket rating's comment, an interaction marked 记为客户反馈 and a survey's free-text answers land in the feedback inbox.
registerTicketRatedHook(feedbackFromTicketRating);
registerInteractionVoiceHook(feedbackFromInteraction);
registerSurveyVoiceHook(feedbackFromSurvey);
// Notifications (站内通知): a ticket assigned or a mention in its note or reply, an SLA warning or escalation, an import
// or an analytics run finished — each told inside the producer's transaction (due tasks and the digest: its clock).
registerNotificationHooks({ registerTicketAssignedHook, registerTicketMessageHook, registerSlaAlertHook, registerImportFinishedHook, registerAnalyticsRunFinishedHook, registerPrivacyDueHook });
// Personal data (PIPL, issue #18): each module that stores data about a person exports it through its own hook; the
// privacy module's export walks them all (privacy.registry.test.ts fails a module with customer_id rows and no hook).
for (const hook of [customerPersonalData, transactionPersonalData, interactionPersonalData, ticketPersonalData, messagePersonalData, feedbackPersonalData, surveyPersonalData, loyaltyPersonalData, analyticsPersonalData, carePersonalData, auditPersonalData, campaignPersonalData, segmentPersonalData, heatingPersonalData, privacyPersonalData, notificationPersonalData, importPersonalData])
  registerPersonalDataHook(hook);
registerErasedPersonLookup(erasedPersonLookup); // an erased person entered again is told (form warning, import refused): the privacy module's keyed hashes
registerErasedCustomerCheck(erasedCustomerIds); // an erased record is never restored nor un-merged (409)
// 同意记录 (issue #18): every consent change records through the privacy module's ledger; 数据保留: each kind by its owner.
registerConsentLedger(consentLedger);
for (const source of [inactiveCustomersRetention, auditRetention, ticketAttachmentRetention, outboxRetention]) registerRetentionSource(source);
// The customer list's filters other modules answer: `segment=<id>` (segments imports customers, not the reverse).
registerCustomerListFilter(segmentListFilter);
for (const filter of analyticsListFilters) registerCustomerListFilter(filter); // value tier and churn level (the home page's drill-through)
// The global search (Ctrl+K): each module searches its own records under its own rules; groups in this order.
for (const source of [customerSearchSource, ticketSearchSource, kbSearchSource, userSearchSource]) registerSearchSource(source);
// The customer 360 page's summary band: each module's figures on a customer (each source applies its own permissions).
for (const source of [analyticsSummarySource, transactionSummarySource, heatingSummarySource, interactionSummarySource, ticketSummarySource, careSummarySource, consentSummarySource, loyaltySummarySource])
  registerCustomerSummarySource(source);

/** Calls `fn` every `ms` while the server runs (a timer that does not keep the process alive, cleared on close). */
/**
 * What a server does once it has started — resume unfinished jobs, the clocks' first ticks, the first outbox sweep —
 * runs once it listens, not before, one piece after another: on the embedded database every statement waits its turn
 * on the one connection, so this work started while the app was still being built held up its own start (after a
 * 20,000-household demo the server answered its first request only after 30–55 s: goal history, the outbox, care).
 * Returns the function that adds a piece; nothing runs unless `enabled` (the server; tests build the app without).
 */
function onceListening(app: App, enabled: boolean): (fn: () => unknown) => void {
  const work: (() => unknown)[] = [];
  if (enabled) {
    app.addHook('onListen', (done) => {
      setImmediate(() => {
        void (async () => {
          for (const fn of work) await Promise.resolve(fn()).catch((err: Error) => app.log.warn(`start: ${err.message}`));
        })();
      });
      done();
    });
  }
  return (fn) => void work.push(fn);
}

/** Jobs that were running when the process last stopped (imports, the demo, analytics, segments, campaigns): queued again. */
async function resumeUnfinished(db: Db, jobs: Jobs, enqueueImport: (id: string, after: number) => Promise<unknown>, after: number): Promise<void> {
  for (const id of await unfinishedImportIds(db)) await enqueueImport(id, after);
  const demo = await unfinishedDemo(db);
  if (demo) await jobs.send(DEMO_QUEUE, demo, after);
  for (const id of await unfinishedRunIds(db)) await jobs.send(ANALYTICS_QUEUE, { id }, after);
  for (const id of await unfinishedRefreshIds(db)) await jobs.send(SEGMENTS_QUEUE, { id }, after);
  for (const id of await unfinishedLaunchIds(db)) await jobs.send(CAMPAIGNS_QUEUE, { id }, after);
}

function every(app: App, ms: number, fn: () => void): void {
  const timer = setInterval(fn, ms);
  timer.unref();
  app.addHook('onClose', () => clearInterval(timer));
}

/**
 * The segments' facts read model: rebuilt by a job when stale (a new company day, a new analytics run, a bulk load),
 * requested by a count that found them stale or by the 10-minute check, which also recomputes queued changes.
 */
function segmentFacts(app: App, ctx: ServiceContext, jobs: Jobs, resumeJobs: boolean): () => void {
  jobs.handle(FACTS_QUEUE, async (_data, signal) => executeFactsRebuild(ctx.db, { signal, log: (line) => app.log.info(line) }), { resumeAfterSeconds: 90 });
  const check = () => void checkFacts(ctx.db).catch((err: Error) => app.log.warn(`segment facts: ${err.message}`));
  if (resumeJobs) {
    setFactsRebuildRequester(() => jobs.send(FACTS_QUEUE, {}));
    app.addHook('onClose', async () => setFactsRebuildRequester(null));
    every(app, 10 * 60_000, check);
  }
  return check;
}

/**
 * Loyalty (会员与积分): its routes (programme, members, ledger, rewards, referrals, reports; the join and member pages),
 * its write hooks on this app's clock (replacing the load-time ones), and the nightly upkeep — a durable run per
 * company day (expire due points; on the review day the yearly tier review), queued by the first check between
 * midnight and 06:00 company time (every 10 minutes; a unique day lets one process queue it) and resumed after a stop (`resumeAfter`, null: not here).
 */
async function loyalty(app: App, ctx: ServiceContext, jobs: Jobs, messaging: MessagingRuntime, resumeAfter: number | null): Promise<void> {
  await loyaltyModuleRoutes(app, { ...ctx, messaging });
  registerLoyaltyWriteHooks(loyaltyWriteRegistries, messaging.now);
  jobs.handle(LOYALTY_QUEUE, async (data, signal) => {
    await executeUpkeep(ctx.db, String(data.id), { signal, log: (line) => app.log.info(line) });
  }, { resumeAfterSeconds: 90 });
  if (resumeAfter === null) return;
  for (const id of await unfinishedUpkeepIds(ctx.db)) await jobs.send(LOYALTY_QUEUE, { id }, resumeAfter);
  const nightly = () =>
    void queueNightlyUpkeep(ctx.db, messaging.now())
      .then((id) => (id ? jobs.send(LOYALTY_QUEUE, { id }) : undefined))
      .catch((err: Error) => app.log.warn(`loyalty upkeep: ${err.message}`));
  every(app, 10 * 60_000, nightly);
  nightly();
}

/**
 * Survey distribution: a send is a durable run per pg-boss job; the survey clock (every 5 minutes in each server that
 * resumes jobs) expires invitations, marks delivered ones sent, sends due reminders and fires triggers.
 */
async function surveys(app: App, ctx: ServiceContext, jobs: Jobs, deps: Omit<SendDeps, 'signal'>, resumeAfter: number | null): Promise<void> {
  await surveyRoutes(app, { ...ctx, distribution: await surveyDistribution(app, ctx.db, jobs, deps, resumeAfter) });
  // The household's pages /s/v (an invitation) and /s/q (a QR code), and the QR codes' API.
  await surveyPublicRoutes(app, { ...ctx, now: deps.messaging.now, fallbackUrl: deps.messaging.fallbackUrl });
  // A resolved ticket records the invitations of ticket_resolved triggers (the clock sends them after their delay);
  // merging customers moves their invitations and answers. Registering again (another app in the process) replaces.
  registerTicketResolvedHook(recordTicketInvitations);
  for (const hook of surveyMergeHooks) registerMergeHook(hook);
}

async function surveyDistribution(app: App, db: Db, jobs: Jobs, deps: Omit<SendDeps, 'signal'>, resumeAfter: number | null): Promise<DistributionRuntime> {
  jobs.handle(SURVEY_SEND_QUEUE, async (data, signal) => {
    await executeSend(db, String(data.id), { ...deps, signal });
  }, { resumeAfterSeconds: 90 });
  // Sends left unfinished by a stop or a crash (on PostgreSQL, once another process's heartbeat would be stale).
  if (resumeAfter !== null) for (const id of await unfinishedSendIds(db)) await jobs.send(SURVEY_SEND_QUEUE, { id }, resumeAfter);
  let running: Promise<unknown> | null = null;
  const tick = () => {
    running ??= surveyClock(db, deps.messaging, (line) => app.log.warn(line))
      .catch((err: Error) => app.log.warn(`surveys clock: ${err.message}`))
      .finally(() => (running = null));
  };
  if (resumeAfter !== null) every(app, 5 * 60_000, tick);
  app.addHook('onClose', async () => void (await running));
  return { messaging: deps.messaging, enqueueSend: async (id) => void (await jobs.send(SURVEY_SEND_QUEUE, { id })) };
}

/**
 * The closed loop (issue #17): goals (progress on read; the clock writes each goal's daily history every ten minutes, a
 * bounded batch of missing days, and soon after a goal is set or changed), team performance, and the reports with their
 * subscriptions (after each complete week or month a delivery is queued in the outbox; its PDF / workbook is made when
 * each email is sent); and the notifications that tell each person what concerns them (with their daily digest).
 */
async function closedLoop(
  app: App,
  ctx: ServiceContext,
  messaging: MessagingRuntime,
  opts: { config: Config; clock?: () => Date; resumeJobs?: boolean; jobs: Jobs; atStart: (fn: () => unknown) => void },
): Promise<void> {
  let snapshotting: Promise<unknown> | null = null;
  const goalClock = () => {
    snapshotting ??= snapshotGoals(ctx.db, messaging.now())
      .catch((err: Error) => app.log.warn(`goals clock: ${err.message}`))
      .finally(() => (snapshotting = null));
  };
  await goalRoutes(app, { ...ctx, now: opts.clock, changed: opts.resumeJobs ? goalClock : undefined });
  await viewRoutes(app, ctx); // saved views of the list pages (issue #21)
  if (opts.resumeJobs) every(app, 10 * 60_000, goalClock);
  // Team performance (团队绩效): a month's KPIs per agent and the weighted incentive score.
  await performanceRoutes(app, { ...ctx, now: opts.clock });
  // Reports (报表中心): weekly and monthly reports on screen, as XLSX and as PDF.
  await reportRoutes(app, { ...ctx, now: opts.clock });
  const reportOwner = (db: DbOrTx, userId: string) => actorForUserId({ db: db as Db, config: opts.config }, userId);
  registerMessageAttachments(REPORT_ATTACHMENTS, reportAttachments(reportOwner, messaging.now));
  const reportClock = () =>
    void runReportSchedule(ctx.db, messaging.now(), (userId) => reportOwner(ctx.db, userId))
      .then((queued) => (queued ? kickSweep(messaging) : undefined))
      .catch((err: Error) => app.log.warn(`reports clock: ${err.message}`));
  if (opts.resumeJobs) {
    every(app, 10 * 60_000, reportClock);
    // Once at start too: a server stopped over a period's end sends it when it comes back.
    opts.atStart(() => {
      goalClock();
      reportClock();
    });
  }
  app.addHook('onClose', async () => void (await snapshotting));
  // Notifications (站内通知): the bell's API; tasks that fell due and the daily e-mail digest, checked every minute; the
  // daily cleanup (read ones after 90 days, any after 180), a job queued once a company day.
  await notificationsModule(app, { ...ctx, now: opts.clock }, messaging, { timer: !!opts.resumeJobs, jobs: opts.jobs });
}

/**
 * 供热 (heating tools): the compound tree, 欠费 and 停暖 / 抢修通知. Arrears follow transaction writes (the written hook,
 * on this app's clock) and merges; a full rebuild is a durable run per job, queued on request or by the check (at
 * start and every 10 minutes in a server that resumes jobs: never built, a deadline passed, a demo load finished
 * since, a night without one). A notice to more than a few hundred households is a durable run per job too.
 */
async function heating(
  app: App,
  ctx: ServiceContext,
  jobs: Jobs,
  deps: { messaging: MessagingRuntime; resolveActor: (userId: string) => Promise<Actor | null>; log: (line: string) => void },
  resumeAfter: number | null,
  atStart: (fn: () => unknown) => void,
): Promise<void> {
  const { db } = ctx;
  const now = deps.messaging.now;
  registerTransactionWrittenHook('heating', arrearsWrittenHook(now));
  registerMergeHook(arrearsMergeHook);
  jobs.handle(ARREARS_QUEUE, async (data, signal) => void (await executeArrearsRebuild(db, String(data.id), { signal, log: deps.log, now })), { resumeAfterSeconds: 90 });
  jobs.handle(NOTICE_QUEUE, async (data, signal) => executeNotice(db, String(data.id), { ...deps, signal }), { resumeAfterSeconds: 90 });
  await heatingRoutes(app, {
    ...ctx,
    heating: { messaging: deps.messaging, enqueueNotice: (id) => jobs.send(NOTICE_QUEUE, { id }), enqueueRebuild: (id) => jobs.send(ARREARS_QUEUE, { id }) },
  });
  if (resumeAfter === null) return;
  const demoFinishedAt = async () => {
    const demo = await demoStatus(db, systemActor('system'));
    return demo.status === 'done' && demo.finishedAt ? new Date(demo.finishedAt) : null;
  };
  const check = () =>
    void readCompanySettings(db)
      .then(async (company) => (company.template === 'heating' ? arrearsRebuildReason(db, now(), demoFinishedAt) : null))
      .then(async (reason) => {
        if (!reason) return;
        const { id, queued } = await queueArrearsRebuild(db, reason, now(), null);
        if (queued) await jobs.send(ARREARS_QUEUE, { id });
      })
      .catch((err: Error) => app.log.warn(`heating arrears check: ${err.message}`));
  every(app, 10 * 60_000, check);
  atStart(async () => {
    for (const id of await unfinishedArrearsRuns(db)) await jobs.send(ARREARS_QUEUE, { id }, resumeAfter);
    for (const id of await unfinishedNotices(db)) await jobs.send(NOTICE_QUEUE, { id }, resumeAfter);
    check();
  });
}

/**
 * The composition root: platform + every module's routes and background jobs, over one database. With
 * `resumeJobs`, imports that were running when the process last stopped are picked up again.
 */
export async function buildApp(opts: {
  config: Config;
  database: Database;
  logger?: boolean;
  resumeJobs?: boolean;
  /** The clock of the outbox's rules (quiet hours, weekly cap, retries); tests move it instead of sleeping. */
  clock?: () => Date;
}): Promise<App> {
  const ctx: ServiceContext = { db: opts.database.db, config: opts.config };
  const jobs = new Jobs(opts.database, jobQueues());
  // On the embedded database this process is the only one, so a job left "running" was orphaned by a crash.
  const takeOver = opts.database.kind === 'pglite';
  jobs.handle('import.run', async (data, signal) => {
    await runImport(ctx.db, String(data.id), { signal, resolveActor: (userId) => actorForUserId(ctx, userId) });
  });
  const enqueue = (id: string, startAfterSeconds = 0) => jobs.send('import.run', { id }, startAfterSeconds);
  jobs.handle(DEMO_QUEUE, (data, signal) => runDemoJob(ctx, data, signal, (userId) => actorForUserId(ctx, userId), takeOver ? 1 : 2, messaging));
  let logLine = (line: string) => console.log(line);
  const messaging: MessagingRuntime = {
    now: opts.clock ?? (() => new Date()),
    kick: (id, delayMs) => jobs.send(MESSAGE_QUEUE, { id }, Math.ceil(delayMs / 1000)),
    log: (line) => logLine(line),
    fallbackUrl: `http://${['0.0.0.0', '::'].includes(opts.config.host) ? 'localhost' : opts.config.host}:${opts.config.port}`,
  };
  const delivery = new MessageDelivery(ctx.db, messaging);
  jobs.handle(MESSAGE_QUEUE, async (data) => {
    await delivery.deliverDue({ id: String(data.id) });
  });
  const app = await createServer({
    config: opts.config,
    databaseKind: opts.database.kind,
    checkDatabase: () => opts.database.ping(),
    logger: opts.logger,
    authenticate: async (c) => {
      const info = { ip: c.ip, userAgent: c.userAgent, locale: c.locale };
      if (c.bearer) return authenticateToken(ctx, c.bearer, info);
      if (c.sessionToken) return authenticateSession(ctx, c.sessionToken, info);
      return null;
    },
  });
  const atStart = onceListening(app, !!opts.resumeJobs);
  // Idempotency-Key on every POST (a repeat returns the first answer): before any route, so each route gets it.
  registerIdempotency(app, { db: ctx.db, databaseKind: opts.database.kind, now: opts.clock });
  await accountsRoutes(app, ctx);
  await settingsRoutes(app, ctx);
  await auditRoutes(app, ctx);
  await customerRoutes(app, ctx);
  await tagRoutes(app, ctx);
  await mergeRoutes(app, ctx);
  await customerSummaryRoutes(app, { ...ctx, now: opts.clock });
  await customFieldRoutes(app, ctx);
  await transactionRoutes(app, ctx);
  await interactionRoutes(app, ctx);
  await importRoutes(app, { ...ctx, enqueue: (id) => enqueue(id) });
  await demoRoutes(app, { ...ctx, enqueue: (data) => jobs.send(DEMO_QUEUE, data) });
  logLine = (line) => app.log.info(line);
  await messageRoutes(app, { ...ctx, messaging });
  await careRoutes(app, { ...ctx, care: { messaging } });
  const careRun = startCareTimer(app, ctx.db, messaging, !!opts.resumeJobs);
  await kbRoutes(app, ctx);
  await searchRoutes(app, ctx);
  await dashboardRoutes(app, { ...ctx, now: opts.clock });
  await closedLoop(app, ctx, messaging, { ...opts, jobs, atStart });
  await ticketRoutes(app, { ...ctx, tickets: messaging });
  await ticketCandidateRoutes(app, ctx); // who an unlinked ticket's reporter may be (by phone, else by address)
  // Feedback (客户反馈): the inbox, its categories, replies through the outbox; the public page /f and its JSON twin.
  await feedbackRoutes(app, { ...ctx, messaging, jobs, resumeAfter: opts.resumeJobs ? (takeOver ? 0 : 90) : null }); // with 重新训练's job
  await feedbackPublicRoutes(app, { ...ctx, now: messaging.now });
  await loyalty(app, ctx, jobs, messaging, opts.resumeJobs ? (takeOver ? 0 : 90) : null);
  // 个人信息请求 (PIPL, issue #18): the register and the export; its handlers are reminded 3 working days before a due
  // date and when it passes (every 10 minutes and at start; each request and stage is told once).
  await privacyRoutes(app, { ...ctx, now: messaging.now });
  const privacyClock = () => void remindPrivacyRequests(ctx.db, messaging.now()).catch((err: Error) => app.log.warn(`privacy reminders: ${err.message}`));
  if (opts.resumeJobs) {
    every(app, 10 * 60_000, privacyClock);
    atStart(privacyClock);
  }
  await privacyLedgerAndRetention(app, ctx, jobs, messaging.now, opts.resumeJobs ? (takeOver ? 0 : 90) : null); // 同意记录, 数据保留
  // SLA deadlines: warnings and the three-level escalation, checked every minute (each fires once across processes).
  await slaRoutes(app, { ...ctx, now: messaging.now });
  startSlaChecker(app, ctx.db, { now: messaging.now, timer: !!opts.resumeJobs });
  // Customer value analytics: a pg-boss job per run, queued on demand or by the nightly check (every 10 minutes,
  // 02:00–06:00 company time; a unique index lets exactly one process queue the night's run).
  jobs.handle(ANALYTICS_QUEUE, async (data, signal) => {
    await executeRun(ctx.db, String(data.id), { databaseKind: opts.database.kind, signal, log: (line) => app.log.info(line) });
  }, { resumeAfterSeconds: 90 }); // a run's heartbeat is stale after a minute
  await analyticsRoutes(app, { ...ctx, enqueue: (id) => jobs.send(ANALYTICS_QUEUE, { id }) });
  const nightly = () =>
    void queueNightly(ctx.db, systemActor('system'))
      .then((run) => (run ? jobs.send(ANALYTICS_QUEUE, { id: run.id }) : undefined))
      .catch((err: Error) => app.log.warn(`analytics nightly: ${err.message}`));
  if (opts.resumeJobs) every(app, 10 * 60_000, nightly);
  // Segments (客户细分): a refresh run per pg-boss job, on demand or by the nightly check (every 10 minutes, 02:00–06:00
  // company time; a unique index lets exactly one process queue the night's refresh of every dynamic segment).
  jobs.handle(SEGMENTS_QUEUE, async (data, signal) => {
    await executeRefresh(ctx.db, String(data.id), { signal, log: (line) => app.log.warn(line) });
  }, { resumeAfterSeconds: 90 });
  await segmentRoutes(app, { ...ctx, enqueue: (id) => jobs.send(SEGMENTS_QUEUE, { id }) });
  const segmentsNightly = () =>
    void queueNightlyRefresh(ctx.db, systemActor('system'))
      .then((run) => (run ? jobs.send(SEGMENTS_QUEUE, { id: run.id }) : undefined))
      .catch((err: Error) => app.log.warn(`segments nightly: ${err.message}`));
  if (opts.resumeJobs) every(app, 10 * 60_000, segmentsNightly);
  const factsCheck = segmentFacts(app, ctx, jobs, !!opts.resumeJobs);
  // Campaigns (营销活动): a launch run per pg-boss job; the clock (every minute) launches scheduled campaigns whose start
  // has come and ends running ones whose attribution window closed.
  const launchDeps = { messaging, resolveActor: (userId: string) => actorForUserId(ctx, userId), log: (line: string) => app.log.warn(line) };
  jobs.handle(CAMPAIGNS_QUEUE, async (data, signal) => {
    await executeLaunch(ctx.db, String(data.id), { ...launchDeps, signal });
  }, { resumeAfterSeconds: 90 });
  await campaignRoutes(app, { ...ctx, now: messaging.now, enqueue: async (id) => void (await jobs.send(CAMPAIGNS_QUEUE, { id })) });
  registerTransactionCodeHandler(transactionCodeHandler);
  // Surveys (满意度调查): surveys, versions, templates; sends, reminders and triggers; the public pages and QR codes.
  await surveys(app, ctx, jobs, launchDeps, opts.resumeJobs ? (takeOver ? 0 : 90) : null);
  // 供热: the compound tree, 欠费 (its read model and rebuilds), 停暖 / 抢修通知.
  await heating(app, ctx, jobs, launchDeps, opts.resumeJobs ? (takeOver ? 0 : 90) : null, atStart);
  const campaignClock = () =>
    void ctx.db
      .transaction(async (tx) => {
        const system = systemActor('system');
        await endDueCampaigns(tx, system, messaging.now());
        return launchDueCampaigns(tx, system, messaging.now());
      })
      .then(async (runIds) => {
        for (const id of runIds) await jobs.send(CAMPAIGNS_QUEUE, { id });
      })
      .catch((err: Error) => app.log.warn(`campaigns clock: ${err.message}`));
  if (opts.resumeJobs) every(app, 60_000, campaignClock);
  // The outbox sweep: messages whose job was lost (a restart, a claim left by a killed process) are sent anyway.
  let sweeping: Promise<unknown> | null = null;
  let sweepAgain = false;
  let closing = false;
  const sweep = (): void => {
    if (closing) return;
    // A sweep asked for while one runs starts when it ends: the running one only takes what was due when it began.
    if (sweeping) {
      sweepAgain = true;
      return;
    }
    sweeping = delivery
      .deliverDue()
      .catch((err: Error) => app.log.warn(`message sweep: ${err.message}`))
      .finally(() => {
        sweeping = null;
        if (sweepAgain) {
          sweepAgain = false;
          sweep();
        }
      });
  };
  // A bulk enqueue (a campaign launch) asks for one sweep rather than a job per message.
  messaging.drain = sweep;
  const sweepTimer = opts.resumeJobs ? setInterval(sweep, MESSAGE_SWEEP_MS) : null;
  sweepTimer?.unref();
  app.addHook('onClose', async () => {
    closing = true;
    if (sweepTimer) clearInterval(sweepTimer);
    await sweeping;
  });
  app.addHook('onClose', () => jobs.stop());
  // On PostgreSQL another process may still be running a job: look again once its heartbeat would be stale.
  if (opts.resumeJobs) {
    atStart(async () => {
      await resumeUnfinished(ctx.db, jobs, enqueue, takeOver ? 0 : 90);
      for (const kick of [sweep, careRun, nightly, segmentsNightly, factsCheck, campaignClock]) kick();
    });
  }
  return app;
}
