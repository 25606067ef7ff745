import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import type { MessagingRuntime } from '../messages/index.js';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from './sla/sla.contract.js';
import { ASSIGNMENT_TARGETS, TICKET_BULK_ACTIONS, TICKET_BULK_MAX, TICKET_BULK_STATUSES, TICKET_LIMITS as L, TICKET_SEVERITIES } from './tickets.contract.js';

const SLA_STATES = ['on_track', 'warning', 'breached', 'met', 'paused'] as const;

/** One tag (标签): trimmed text of 1–32 characters. */
const tag = trimmedText(L.tag).min(1);
/** A ticket's tags: at most 20, duplicates dropped (the first spelling kept). */
const tagList = z
  .array(tag)
  .max(L.tags)
  .transform((tags) => [...new Set(tags)]);

export const createTicketBody = z.strictObject({
  title: trimmedText(L.title).min(1),
  description: trimmedText(L.description).default(''),
  type: z.enum(TICKET_TYPES),
  categoryId: z.uuid().nullable().optional(),
  priority: z.enum(TICKET_PRIORITIES).default('normal'),
  severity: z.enum(TICKET_SEVERITIES).default('minor'),
  customerId: z.uuid().nullable().optional(),
  transactionId: z.uuid().nullable().optional(),
  contactName: optionalText(L.name),
  contactPhone: optionalText(30),
  contactAddress: optionalText(L.address),
  source: z.enum(['agent', 'call', 'api']).default('agent'),
  assigneeId: z.uuid().optional().describe('Assign at once; otherwise the assignment rules decide'),
});
export type CreateTicketInput = z.infer<typeof createTicketBody>;

export const updateTicketBody = z.strictObject({
  title: trimmedText(L.title).min(1).optional(),
  description: trimmedText(L.description).optional(),
  type: z.enum(TICKET_TYPES).optional(),
  categoryId: z.uuid().nullable().optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  severity: z.enum(TICKET_SEVERITIES).optional(),
  customerId: z.uuid().nullable().optional(),
  transactionId: z.uuid().nullable().optional(),
  tags: tagList.optional().describe("The ticket's tags (标签), replacing the ones it has"),
  version: z.number().int().min(1).optional(),
});
export type UpdateTicketInput = z.infer<typeof updateTicketBody>;

export const listTicketsQuery = z.strictObject({
  status: z.enum([...TICKET_STATUSES, 'open'] as const).optional().describe('open = anything not resolved or closed'),
  type: z.enum(TICKET_TYPES).optional(),
  categoryId: z.uuid().optional(),
  assigneeId: z.uuid().optional(),
  mine: z.enum(['true', 'false']).optional(),
  customerId: z.uuid().optional(),
  sla: z.enum(SLA_STATES).optional(),
  q: trimmedText(100).optional(),
  tag: tag.optional().describe('Only tickets carrying this tag'),
  createdFrom: z.iso.date().optional().describe('Created on or after this day (company time zone)'),
  createdTo: z.iso.date().optional().describe('Created on or before this day (company time zone)'),
  merged: z.enum(['include', 'exclude']).default('include').describe('exclude: leave out duplicates merged into another ticket (as the reports and the home page count)'),
  ...pageQuery(200, 50),
});
export type ListTicketsQuery = z.infer<typeof listTicketsQuery>;

export const statusBody = z.strictObject({
  status: z.enum(['in_progress', 'waiting_on_customer', 'closed'] as const),
  version: z.number().int().min(1).optional(),
});
export const reopenBody = z.strictObject({ reason: trimmedText(L.comment).min(1) });
export const assignBody = z.strictObject({ assigneeId: z.uuid().nullable(), teamId: z.uuid().nullable().optional() });
export const noteBody = z.strictObject({ body: trimmedText(L.body).min(1) });
export const replyBody = z.strictObject({
  body: trimmedText(L.body).min(1),
  kbArticleId: z.uuid().optional().describe('The knowledge-base article the reply was taken from (counted by kb)'),
  send: z.boolean().default(true).describe('Also send it to the customer through the outbox (SMS or email, by consent)'),
});
export const resolveBody = z.strictObject({
  rootCauseId: z.uuid(),
  solution: trimmedText(L.body).min(1),
  outcomeTold: z.enum(['reply', 'call', 'not_yet']).default('reply').describe('How the customer was told the outcome'),
  returnVisitDays: z.number().int().min(0).max(60).default(3).describe('0 = no return visit'),
});
export type ResolveInput = z.infer<typeof resolveBody>;
export const mergeBody = z.strictObject({ intoId: z.uuid() });

/**
 * A bulk change from the queue: one action on up to 500 tickets. `assign` takes `assigneeId` (null: unassign),
 * `status` takes `status`, `tag` takes `tags` (added to each ticket's own). A field the action needs is required.
 */
export const bulkTicketsBody = z
  .strictObject({
    action: z.enum(TICKET_BULK_ACTIONS),
    ids: z
      .array(z.uuid())
      .min(1)
      .max(TICKET_BULK_MAX)
      .transform((ids) => [...new Set(ids)])
      .describe(`The tickets (at most ${TICKET_BULK_MAX}); each is reported in the answer, in this order`),
    assigneeId: z.uuid().nullable().optional().describe('assign: the new assignee, null to unassign'),
    status: z.enum(TICKET_BULK_STATUSES).optional().describe('status: the status to set'),
    tags: z.array(tag).min(1).max(L.tags).optional().describe('tag: the tags to add'),
  })
  .superRefine((v, ctx) => {
    const needs = { assign: 'assigneeId', status: 'status', tag: 'tags' } as const;
    const field = needs[v.action];
    if (v[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'validation.required' });
  });
export type BulkTicketsInput = z.infer<typeof bulkTicketsBody>;
export const idParam = z.strictObject({ id: z.uuid() });
export const attachmentParam = z.strictObject({ id: z.uuid(), attachmentId: z.uuid() });
export const tokenParam = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });
export const tokenAttachmentParam = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/), attachmentId: z.uuid() });
export const uploadQuery = z.strictObject({ name: trimmedText(200).optional() });

// ---- public ----
export const publicSubmitBody = z.strictObject({
  name: trimmedText(L.name).min(1),
  phone: trimmedText(30).min(1),
  address: optionalText(L.address),
  type: z.enum(TICKET_TYPES).default('complaint'),
  categoryId: z.uuid().nullable().optional(),
  title: trimmedText(L.title).optional(),
  description: trimmedText(L.description).min(1),
});
export type PublicSubmitInput = z.infer<typeof publicSubmitBody>;
export const publicReplyBody = z.strictObject({ body: trimmedText(L.publicReply).min(1) });
export const rateBody = z.strictObject({ rating: z.number().int().min(1).max(5), comment: optionalText(L.comment) });

// ---- settings ----
export const categoryBody = z.strictObject({
  parentId: z.uuid().nullable().optional(),
  nameZh: trimmedText(50).min(1),
  nameEn: trimmedText(80).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
});
export const categoryPatch = categoryBody.partial();
export const rootCauseBody = z.strictObject({
  nameZh: trimmedText(50).min(1),
  nameEn: trimmedText(80).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
});
export const rootCausePatch = rootCauseBody.partial();
export const ruleBody = z.strictObject({
  name: trimmedText(100).min(1),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
  categoryId: z.uuid().nullable().optional(),
  compound: optionalText(100),
  district: optionalText(100),
  vipOnly: z.boolean().optional(),
  target: z.enum(ASSIGNMENT_TARGETS),
  userId: z.uuid().nullable().optional(),
  teamId: z.uuid().nullable().optional(),
});
export type RuleInput = z.infer<typeof ruleBody>;
export const rulePatch = ruleBody.partial();

/** What the tickets module needs from the process: the outbox runtime (its clock, public links). */
export type TicketsRuntime = MessagingRuntime;
