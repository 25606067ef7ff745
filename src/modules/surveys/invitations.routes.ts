/**
 * Survey distribution through HTTP: sends (a durable run per send, handed to the job runner), their progress and
 * counts, cancel; invitations (keyset pages, withdraw); a customer's link; reminders now; triggers.
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/client.js';
import { pageQuery } from '../../platform/http/cursor.js';
import { itemsOf, pageOf, responseOf } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import type { MessagingRuntime } from '../messages/index.js';
import { cancelSend, createLink, createSend, getSend, listInvitations, listSends, withdrawInvitation } from './invitations.js';
import { remindNow } from './reminders.js';
import {
  INVITATION_CHANNELS,
  INVITATION_SOURCES,
  INVITATION_STATUSES,
  SEND_AUDIENCES,
  SEND_CHANNELS,
  TRIGGER_EVENTS,
  type ReminderResult,
  type SurveyInvitationPage,
  type SurveyInvitationView,
  type SurveyLinkView,
  type SurveySendList,
  type SurveySendView,
  type SurveyTriggerList,
} from './surveys.contract.js';
import { listTriggers, setTriggers } from './triggers.js';

/** What distribution needs from the composition root: the outbox's runtime and the job runner. */
export type DistributionRuntime = { messaging: MessagingRuntime; enqueueSend: (sendId: string) => Promise<void> };

// ---- request schemas ------------------------------------------------------------------------------------------------

export const sendBody = z
  .strictObject({
    segmentId: z.uuid().optional().describe('A segment (dynamic) or a static list: its current members'),
    customerIds: z.array(z.uuid()).min(1).max(10_000).optional().describe('Customers by id (at most 10,000)'),
    customerId: z.uuid().optional().describe('One customer'),
    channel: z.enum(SEND_CHANNELS),
    templateId: z.uuid().optional().describe("A message template of the channel using {{surveyLink}}; default: the channel's built-in survey invitation"),
    sample: z
      .strictObject({
        share: z.number().gt(0).max(1).optional().describe('Keep exactly ⌊p·N⌋ of the N drawn (p to 4 decimals)'),
        size: z.number().int().min(1).max(10_000_000).optional().describe('Keep min(n, N)'),
      })
      .optional()
      .describe('A deterministic sample: the lowest ranks of HMAC(seed, customer id)'),
    seed: z.string().trim().min(1).max(100).optional().describe("The sample's key (default: the survey's id): the same seed draws the same sample"),
    dryRun: z.boolean().optional().describe('Count only: no invitations, no messages'),
  })
  .superRefine((b, ctx) => {
    const given = [b.segmentId, b.customerIds, b.customerId].filter((x) => x !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['segmentId'], message: 'surveys.audience_one' });
    if (b.sample && (b.sample.share === undefined) === (b.sample.size === undefined)) ctx.addIssue({ code: 'custom', path: ['sample'], message: 'surveys.sample_one' });
  });

const idParam = z.strictObject({ id: z.uuid() });
const sendParam = z.strictObject({ id: z.uuid(), sendId: z.uuid() });
const invitationParam = z.strictObject({ id: z.uuid(), invId: z.uuid() });
const invitationQuery = z.strictObject({
  status: z.enum(INVITATION_STATUSES).optional(),
  sendId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  ...pageQuery(200, 50),
});
const linkBody = z.strictObject({ customerId: z.uuid().optional().describe('None: an anonymous link (when the survey accepts anonymous answers)') });
const triggersBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        on: z.enum(TRIGGER_EVENTS),
        delayDays: z.number().int().min(0).max(365).optional(),
        productIds: z.array(z.uuid()).max(100).optional(),
        channel: z.enum(SEND_CHANNELS),
        templateId: z.uuid().optional(),
      }),
    )
    .max(10),
});

// ---- response schemas -----------------------------------------------------------------------------------------------

const userRef = z.object({ id: z.string(), name: z.string() });
export const surveySendView = responseOf<SurveySendView>()(
  z.object({
    id: z.string(),
    surveyId: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
    progress: z.object({ phase: z.string(), done: z.number(), total: z.number() }),
    error: z.string().nullable(),
    audience: z.enum(SEND_AUDIENCES),
    segmentId: z.string().nullable(),
    customerCount: z.number().int().nullable(),
    channel: z.enum(SEND_CHANNELS),
    templateId: z.string().nullable(),
    sample: z.object({ share: z.number().nullable(), size: z.number().int().nullable() }).nullable(),
    dryRun: z.boolean(),
    counts: z.object({
      drawn: z.number().int(),
      sampledOut: z.number().int(),
      fatigue: z.number().int(),
      alreadyInvited: z.number().int(),
      invited: z.number().int(),
      queued: z.number().int(),
      blocked: z.record(z.string(), z.number().int()).describe('no_consent, frequency_cap, no_recipient, withdrawn, customer_deleted'),
      delivered: z.number().int(),
      failed: z.number().int(),
    }),
    requestedBy: userRef.nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
);
const surveySendList = responseOf<SurveySendList>()(itemsOf(surveySendView));
const invitationView = responseOf<SurveyInvitationView>()(
  z.object({
    id: z.string(),
    customer: z.object({ id: z.string(), name: z.string() }).nullable(),
    channel: z.enum(INVITATION_CHANNELS),
    source: z.enum(INVITATION_SOURCES),
    sourceRef: z.string().nullable(),
    sendId: z.string().nullable(),
    status: z.enum(INVITATION_STATUSES),
    expiresAt: z.string(),
    remindersSent: z.number().int(),
    lastRemindedAt: z.string().nullable(),
    sentAt: z.string().nullable(),
    openedAt: z.string().nullable(),
    respondedAt: z.string().nullable(),
    ticketId: z.string().nullable(),
    agentId: z.string().nullable(),
    createdAt: z.string(),
  }),
);
const invitationPage = responseOf<SurveyInvitationPage>()(pageOf(invitationView));
const linkView = responseOf<SurveyLinkView>()(z.object({ invitationId: z.string(), link: z.string(), expiresAt: z.string(), reused: z.boolean() }));
const reminderResult = responseOf<ReminderResult>()(z.object({ eligible: z.number().int(), queued: z.number().int(), blocked: z.record(z.string(), z.number().int()) }));
const triggerList = responseOf<SurveyTriggerList>()(
  itemsOf(
    z.object({
      id: z.string(),
      on: z.enum(TRIGGER_EVENTS),
      delayDays: z.number().int(),
      productIds: z.array(z.string()),
      channel: z.enum(SEND_CHANNELS),
      templateId: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
);

export async function invitationRoutes(app: App, ctx: { db: Db; distribution: DistributionRuntime }): Promise<void> {
  const { db, distribution } = ctx;
  const { messaging } = distribution;
  const tags = ['surveys'];
  const config = { fieldLabels: 'survey_send' };

  app.post(
    '/api/v1/surveys/:id/sends',
    {
      schema: {
        tags,
        summary: 'Send an active survey to a segment, a static list, customers or one customer (a durable run: draw → sample → invite → send; 409 unless active)',
        params: idParam,
        body: sendBody,
        response: { 202: surveySendView },
      },
      config,
    },
    async (req, reply) => {
      const send = await db.transaction((tx) => createSend(tx, req.actor, req.params.id, req.body));
      await distribution.enqueueSend(send.id);
      return reply.code(202).send(send);
    },
  );
  app.get('/api/v1/surveys/:id/sends', { schema: { tags, summary: "A survey's sends, newest first, with their counts", params: idParam, response: { 200: surveySendList } } }, async (req) =>
    listSends(db, req.actor, req.params.id),
  );
  app.get(
    '/api/v1/surveys/:id/sends/:sendId',
    { schema: { tags, summary: "A send's progress and counts: drawn, sampled out, fatigue, already invited, invited, queued, blocked by reason, delivered", params: sendParam, response: { 200: surveySendView } } },
    async (req) => getSend(db, req.actor, req.params.id, req.params.sendId),
  );
  app.post(
    '/api/v1/surveys/:id/sends/:sendId/cancel',
    { schema: { tags, summary: 'Cancel a send: it stops at its next checkpoint; its messages not yet sent and their invitations are withdrawn', params: sendParam, response: { 200: surveySendView } } },
    async (req) => db.transaction((tx) => cancelSend(tx, req.actor, req.params.id, req.params.sendId)),
  );
  app.get(
    '/api/v1/surveys/:id/invitations',
    { schema: { tags, summary: "A survey's invitations, newest first (keyset), by status, send or customer, within the caller's customers", params: idParam, querystring: invitationQuery, response: { 200: invitationPage } } },
    async (req) => listInvitations(db, req.actor, req.params.id, req.query),
  );
  app.post(
    '/api/v1/surveys/:id/invitations/:invId/withdraw',
    { schema: { tags, summary: 'Withdraw an invitation not yet answered: its link no longer opens the survey', params: invitationParam, response: { 200: invitationView } } },
    async (req) => db.transaction((tx) => withdrawInvitation(tx, req.actor, req.params.id, req.params.invId)),
  );
  app.post(
    '/api/v1/surveys/:id/links',
    { schema: { tags, summary: "A customer's survey link to copy (their live invitation's, or a new one on channel link); without a customer an anonymous link", params: idParam, body: linkBody, response: { 200: linkView } }, config },
    async (req) => db.transaction((tx) => createLink(tx, req.actor, req.params.id, req.body, { now: messaging.now(), fallbackUrl: messaging.fallbackUrl })),
  );
  app.post(
    '/api/v1/surveys/:id/reminders',
    { schema: { tags, summary: 'Send the due reminders now: to invitations not answered nor expired, under the maximum, reminderAfterDays after the last message', params: idParam, response: { 200: reminderResult } } },
    async (req) => remindNow(db, req.actor, req.params.id, messaging),
  );
  app.get('/api/v1/surveys/:id/triggers', { schema: { tags, summary: "A survey's triggers (automatic invitations after a purchase or a repair)", params: idParam, response: { 200: triggerList } } }, async (req) =>
    listTriggers(db, req.actor, req.params.id),
  );
  app.put(
    '/api/v1/surveys/:id/triggers',
    { schema: { tags, summary: "Replace a survey's triggers (an unchanged one keeps its start)", params: idParam, body: triggersBody, response: { 200: triggerList } }, config },
    async (req) => db.transaction((tx) => setTriggers(tx, req.actor, req.params.id, req.body.items, messaging.now())),
  );
}
