/** Response schemas of 数据保留. */
import { z } from 'zod';
import { pageOf, responseOf } from '../../platform/http/response.js';
import { RUN_STATUSES } from '../../platform/runs/index.js';
import {
  RETENTION_KINDS,
  RETENTION_MODES,
  RETENTION_TRIGGERS,
  RETENTION_UNITS,
  type RetentionRunPage,
  type RetentionRunView,
  type RetentionSettingsView,
} from './retention.contract.js';

const policy = { kind: z.enum(RETENTION_KINDS), enabled: z.boolean(), amount: z.number().int(), unit: z.enum(RETENTION_UNITS) };

export const retentionSettingsView = responseOf<RetentionSettingsView>()(z.object({ policies: z.array(z.object(policy)) }));

const kindReport = z.object({ count: z.number().int(), sample: z.array(z.string()), applied: z.number().int().nullable() });

export const retentionRunView = responseOf<RetentionRunView>()(
  z.object({
    id: z.string(),
    mode: z.enum(RETENTION_MODES),
    trigger: z.enum(RETENTION_TRIGGERS),
    status: z.enum(RUN_STATUSES),
    day: z.string().nullable(),
    dryRunId: z.string().nullable(),
    appliedById: z.string().nullable(),
    policies: z.array(z.object({ ...policy, cutoff: z.string() })),
    report: z.partialRecord(z.enum(RETENTION_KINDS), kindReport),
    error: z.string().nullable(),
    createdById: z.string().nullable(),
    createdByName: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  }),
);
export const retentionRunPage = responseOf<RetentionRunPage>()(pageOf(retentionRunView));
