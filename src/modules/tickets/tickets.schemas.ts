/**
 * Response schemas of the tickets API, its settings and its public pages (see platform/http/response.ts), each tied
 * to its tickets.contract.ts type by responseOf.
 */
import { z } from 'zod';
import { fileResponse, itemsOf, pageWithTotalOf, responseOf } from '../../platform/http/response.js';
import { slaClockView } from './sla/index.js';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from './sla/sla.contract.js';
import {
  ASSIGNMENT_TARGETS,
  ATTACHMENT_TYPES,
  TICKET_EVENT_KINDS,
  TICKET_SEVERITIES,
  TICKET_SOURCES,
  type AssignmentRuleView,
  type PublicSubmitResult,
  type PublicTicketCategory,
  type PublicTicketView,
  type RootCauseView,
  TICKET_BULK_ACTIONS,
  type TicketBulkResult,
  type TicketTagCount,
  type TicketAttachmentView,
  type TicketCategoryView,
  type TicketContactReveal,
  type TicketDetail,
  type TicketEventView,
  type TicketPage,
  type TicketPerson,
  type TicketSlaClock,
  type TicketSummary,
} from './tickets.contract.js';

const instant = z.string().describe('ISO 8601 date-time (UTC)');

/** The SLA clock: the one of sla.schemas.ts, which also proves TicketSlaClock and SlaClockView the same type. */
const ticketSlaClock = responseOf<TicketSlaClock>()(slaClockView);

const person = responseOf<TicketPerson>()(z.object({ id: z.uuid(), name: z.string() }));

export const ticketSummary = responseOf<TicketSummary>()(
  z.object({
    id: z.uuid(),
    number: z.number().int(),
    title: z.string(),
    status: z.enum(TICKET_STATUSES),
    type: z.enum(TICKET_TYPES),
    priority: z.enum(TICKET_PRIORITIES),
    severity: z.enum(TICKET_SEVERITIES),
    source: z.enum(TICKET_SOURCES),
    categoryId: z.uuid().nullable(),
    category: z.string().nullable().describe('The category name as it was when set'),
    customer: z.object({ id: z.uuid(), name: z.string().describe("Empty unless the caller reaches the customer") }).nullable(),
    contactName: z.string().nullable(),
    assignee: person.nullable(),
    teamId: z.uuid().nullable(),
    tags: z.array(z.string()).describe('Free labels (标签)'),
    reopenCount: z.number().int(),
    rating: z.number().int().nullable().describe('1–5 stars from the household'),
    createdAt: instant,
    updatedAt: instant,
    sla: ticketSlaClock.nullable().describe('The SLA clock, null when none'),
  }),
);

export const ticketPage = responseOf<TicketPage>()(pageWithTotalOf(ticketSummary));

export const ticketAttachmentView = responseOf<TicketAttachmentView>()(
  z.object({ id: z.uuid(), fileName: z.string(), contentType: z.string().describe('image/jpeg, image/png, image/webp or image/gif'), size: z.number().int().describe('Bytes'), createdAt: instant }),
);

const ticketEventView = responseOf<TicketEventView>()(
  z.object({
    id: z.uuid(),
    kind: z.enum(TICKET_EVENT_KINDS),
    body: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).describe('Details of the event, by kind'),
    actor: person.nullable(),
    at: instant,
  }),
);

export const ticketDetail = responseOf<TicketDetail>()(
  ticketSummary.extend({
    description: z.string(),
    contactPhone: z.string().nullable().describe('Masked (138****5678); POST …/reveal shows it in full'),
    contactAddress: z.string().nullable(),
    transactionId: z.uuid().nullable(),
    mergedIntoId: z.uuid().nullable().describe('The ticket this duplicate was merged into'),
    rootCauseId: z.uuid().nullable(),
    rootCause: z.string().nullable(),
    solution: z.string().nullable(),
    outcomeToldAt: instant.nullable(),
    resolvedAt: instant.nullable(),
    closedAt: instant.nullable(),
    ratingComment: z.string().nullable(),
    ratedAt: instant.nullable(),
    returnVisitTaskId: z.uuid().nullable(),
    publicUrl: z.string().describe('The follow link (the public page), relative to the public base URL'),
    version: z.number().int().describe('Send it back with an edit: a stale version is refused (409)'),
    attachments: z.array(ticketAttachmentView),
    events: z.array(ticketEventView).describe('The timeline, oldest first'),
  }),
);

export const ticketBulkResult = responseOf<TicketBulkResult>()(
  z.object({
    action: z.enum(TICKET_BULK_ACTIONS),
    done: z.number().int().describe('Tickets changed'),
    unchanged: z.number().int().describe('Tickets already so (nothing written)'),
    refused: z.number().int().describe('Tickets the rules refused, or not found'),
    items: z
      .array(
        z.object({
          id: z.uuid(),
          number: z.number().int().nullable().describe('Null when not found'),
          outcome: z.enum(['done', 'unchanged', 'refused']),
          code: z.string().nullable().describe('For a refusal: the message key'),
          reason: z.string().nullable().describe("For a refusal: why, in the caller's language"),
        }),
      )
      .describe('Every ticket, in the order sent'),
  }),
);

export const ticketTagList = responseOf<{ items: TicketTagCount[] }>()(itemsOf(z.object({ tag: z.string(), count: z.number().int() })));

export const ticketContactReveal = responseOf<TicketContactReveal>()(z.object({ contactPhone: z.string().nullable() }));

/** An attachment's bytes, sent with the image type its bytes were recognised as. */
const imageBody = fileResponse('The image', 'image/png').content['image/png'].schema;
export const attachmentFile = {
  description: 'The image (JPEG, PNG, WebP or GIF)',
  content: Object.fromEntries(ATTACHMENT_TYPES.map((t) => [t, { schema: imageBody }])) as Record<(typeof ATTACHMENT_TYPES)[number], { schema: typeof imageBody }>,
};

// ---- settings ----

export const ticketCategoryView = responseOf<TicketCategoryView>()(
  z.object({ id: z.uuid(), parentId: z.uuid().nullable(), nameZh: z.string(), nameEn: z.string(), position: z.number().int(), active: z.boolean() }),
);
export const ticketCategoryList = responseOf<{ items: TicketCategoryView[] }>()(itemsOf(ticketCategoryView));

export const rootCauseView = responseOf<RootCauseView>()(
  z.object({ id: z.uuid(), nameZh: z.string(), nameEn: z.string(), position: z.number().int(), active: z.boolean() }),
);
export const rootCauseList = responseOf<{ items: RootCauseView[] }>()(itemsOf(rootCauseView));

export const assignmentRuleView = responseOf<AssignmentRuleView>()(
  z.object({
    id: z.uuid(),
    name: z.string(),
    position: z.number().int().describe('Rules are tried in this order'),
    active: z.boolean(),
    categoryId: z.uuid().nullable(),
    compound: z.string().nullable(),
    district: z.string().nullable(),
    vipOnly: z.boolean(),
    target: z.enum(ASSIGNMENT_TARGETS),
    userId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
  }),
);
export const assignmentRuleList = responseOf<{ items: AssignmentRuleView[] }>()(itemsOf(assignmentRuleView));

// ---- the public pages ----

export const publicTicketCategoryList = responseOf<{ items: PublicTicketCategory[] }>()(
  itemsOf(z.object({ id: z.uuid(), parentId: z.uuid().nullable(), nameZh: z.string(), nameEn: z.string() })),
);

export const publicSubmitResult = responseOf<PublicSubmitResult>()(
  z.object({
    number: z.number().int(),
    token: z.string().describe('The secret of the follow link'),
    followUrl: z.string().describe('The follow page, relative to the public base URL'),
  }),
);

export const publicTicketView = responseOf<PublicTicketView>()(
  z.object({
    number: z.number().int(),
    title: z.string(),
    status: z.enum(TICKET_STATUSES),
    type: z.enum(TICKET_TYPES),
    category: z.string().nullable(),
    description: z.string(),
    createdAt: instant,
    resolvedAt: instant.nullable(),
    solution: z.string().nullable(),
    replies: z
      .array(z.object({ body: z.string(), at: instant, from: z.enum(['agent', 'customer']) }))
      .describe("Agents' replies and the household's own messages (never internal notes)"),
    attachments: z.array(ticketAttachmentView),
    canReply: z.boolean().describe('The ticket is open'),
    canReopen: z.boolean().describe('Resolved or closed less than 7 days ago'),
    canRate: z.boolean(),
    rating: z.number().int().nullable(),
    ratingComment: z.string().nullable(),
  }),
);
