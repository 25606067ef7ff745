/**
 * Response schemas of the segments API (documented in /api/docs/json, checked under the test runner), each tied to its
 * segments.contract.ts type by responseOf.
 */
import { z } from 'zod';
import { pageOf, pageWithTotalOf, responseOf } from '../../platform/http/response.js';
import {
  REFRESH_STATUSES,
  SEGMENT_FIELD_TYPES,
  SEGMENT_KINDS,
  SEGMENT_OPTION_SOURCES,
  type RefreshView,
  type SegmentAddReport,
  type SegmentCustomer,
  type SegmentFieldItem,
  type SegmentFieldList,
  type SegmentHistory,
  type SegmentImportReport,
  type SegmentListItem,
  type SegmentMember,
  type SegmentMemberPage,
  type SegmentPage,
  type SegmentPreview,
  type SegmentRemoveReport,
  type SegmentUserRef,
  type SegmentView,
} from './segments.contract.js';

const userRef = responseOf<SegmentUserRef>()(z.object({ id: z.string(), name: z.string() }));

export const segmentListItem = responseOf<SegmentListItem>()(
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    kind: z.enum(SEGMENT_KINDS),
    memberCount: z.number().int().describe('Current members the caller may see'),
    refreshedAt: z.string().nullable(),
    owner: userRef.nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
  }),
);

export const segmentPage = responseOf<SegmentPage>()(pageOf(segmentListItem));

export const refreshView = responseOf<RefreshView>()(
  z.object({
    id: z.string(),
    segmentId: z.string().nullable(),
    kind: z.enum(['manual', 'nightly', 'cli']),
    status: z.enum(REFRESH_STATUSES),
    progress: z.object({ phase: z.string(), done: z.number(), total: z.number() }),
    entered: z.number().int(),
    exited: z.number().int(),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
);

export const segmentView = responseOf<SegmentView>()(
  segmentListItem.extend({
    rule: z.unknown().describe('The rule tree (dynamic segments); null for a static list'),
    createdBy: userRef.nullable(),
    lastRefresh: refreshView.nullable(),
  }),
);

const customer = responseOf<SegmentCustomer>()(z.object({ id: z.string(), name: z.string(), city: z.string().nullable(), compound: z.string().nullable() }));

export const segmentPreview = responseOf<SegmentPreview>()(
  z.object({ count: z.number().int().describe('Customers matching, among those the caller sees'), sample: z.array(customer).describe('Up to 20 of them') }),
);

const member = responseOf<SegmentMember>()(customer.extend({ enteredAt: z.string() }));
export const segmentMemberPage = responseOf<SegmentMemberPage>()(pageWithTotalOf(member));

export const segmentHistory = responseOf<SegmentHistory>()(z.object({ items: z.array(z.object({ day: z.string(), count: z.number().int() })) }));

export const segmentAddReport = responseOf<SegmentAddReport>()(
  z.object({
    added: z.number().int(),
    alreadyMembers: z.number().int(),
    notFound: z.array(z.string()).describe('Ids of customers that do not exist, are deleted, or are outside your data scope'),
    memberCount: z.number().int(),
  }),
);

export const segmentImportReport = responseOf<SegmentImportReport>()(
  z.object({
    values: z.number().int().describe('Distinct values read (no header line, no blank lines)'),
    added: z.number().int(),
    alreadyMembers: z.number().int(),
    notFound: z.array(z.string()).describe('Values (as written) matching no live customer you see: the first 100'),
    notFoundCount: z.number().int(),
    ambiguous: z.array(z.string()).describe('Phones matching several customers (none of them added): the first 100'),
    ambiguousCount: z.number().int(),
    memberCount: z.number().int(),
  }),
);

export const segmentRemoveReport = responseOf<SegmentRemoveReport>()(
  z.object({
    removed: z.number().int(),
    notMembers: z.array(z.string()).describe('Ids that were not current members you see'),
    memberCount: z.number().int(),
  }),
);

const option = z.object({ value: z.union([z.string(), z.number()]), label: z.string() });
const fieldItem = responseOf<SegmentFieldItem>()(
  z.object({
    key: z.string(),
    group: z.string(),
    type: z.enum(SEGMENT_FIELD_TYPES),
    ops: z.array(z.string()),
    opLabels: z.record(z.string(), z.string()),
    label: z.string(),
    options: z.array(option).optional(),
    optionsSource: z.enum(SEGMENT_OPTION_SOURCES).optional(),
    params: z
      .array(
        z.object({
          name: z.string(),
          kind: z.enum(['days', 'enum', 'id']),
          required: z.boolean(),
          default: z.union([z.string(), z.number()]).optional(),
          options: z.array(option).optional(),
          optionsSource: z.enum(SEGMENT_OPTION_SOURCES).optional(),
        }),
      )
      .optional(),
  }),
);
export const segmentFieldList = responseOf<SegmentFieldList>()(z.object({ items: z.array(fieldItem) }));
