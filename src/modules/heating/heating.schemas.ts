/** Response schemas of the heating tools. */
import { z } from 'zod';
import { pageOf, responseOf } from '../../platform/http/response.js';
import {
  ARREARS_BASES,
  NOTICE_CHANNELS,
  NOTICE_KINDS,
  TREE_LEVELS,
  type ArrearsPage,
  type ArrearsRunView,
  type ArrearsSummary,
  type NoticeCounts,
  type NoticePage,
  type NoticePreview,
  type NoticeView,
  type TreeLevelView,
} from './heating.contract.js';

const int = z.number().int();
const statuses = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);

export const treeLevelView = responseOf<TreeLevelView>()(
  z.object({
    level: z.enum(TREE_LEVELS),
    compound: z.string().nullable(),
    building: z.string().nullable(),
    items: z.array(z.object({ key: z.string().nullable(), households: int, openTickets: int, arrearsHouseholds: int, arrearsFen: int })),
    arrearsAsOf: z.string().nullable(),
  }),
);

const season = z.object({ season: z.string(), dueFen: int, paidFen: int, owedFen: int, basis: z.enum(ARREARS_BASES) });
export const arrearsPage = responseOf<ArrearsPage>()(
  pageOf(
    z.object({
      customerId: z.string(),
      name: z.string(),
      customerNo: z.string().nullable(),
      compound: z.string().nullable(),
      building: z.string().nullable(),
      unit: z.string().nullable(),
      room: z.string().nullable(),
      phone: z.string().nullable(),
      owedFen: int,
      seasons: z.array(season),
    }),
  ),
);

export const arrearsRunView = responseOf<ArrearsRunView>()(
  z.object({
    id: z.string(),
    status: statuses,
    reason: z.string(),
    dueSeason: z.string(),
    customers: int,
    rows: int,
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  }),
);

export const arrearsSummary = responseOf<ArrearsSummary>()(
  z.object({
    seasons: z.array(z.object({ season: z.string(), households: int, owedFen: int })),
    total: z.object({ households: int, owedFen: int }),
    dueSeason: z.string(),
    lastRun: arrearsRunView.nullable(),
    running: arrearsRunView.nullable(),
  }),
);

const counts = responseOf<NoticeCounts>()(
  z.object({
    queued: int,
    quietHours: int,
    blocked: z.object({ no_consent: int, no_recipient: int, frequency_cap: int, deleted: int }),
  }),
);

export const noticeView = responseOf<NoticeView>()(
  z.object({
    id: z.string(),
    kind: z.enum(NOTICE_KINDS),
    compound: z.string(),
    building: z.string().nullable(),
    unit: z.string().nullable(),
    channel: z.enum(NOTICE_CHANNELS),
    templateId: z.string(),
    templateName: z.string().nullable(),
    text: z.string().nullable(),
    households: int,
    counts,
    reached: int,
    blocked: int,
    delivery: z.object({ queued: int, sending: int, sent: int, failed: int, suppressed: int }),
    status: statuses,
    progress: z.object({ done: int, total: int }),
    error: z.string().nullable(),
    requestedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  }),
);

export const noticePage = responseOf<NoticePage>()(pageOf(noticeView));

export const noticePreview = responseOf<NoticePreview>()(z.object({ households: int, consenting: int, reachable: int.nullable(), inline: z.boolean() }));
