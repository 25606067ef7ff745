/** Response schemas of the imports API (see platform/http/response.ts), tied to imports.contract.ts. */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import {
  DUPLICATE_POLICIES,
  IMPORT_KINDS,
  type ImportFieldView,
  type ImportJobView,
  type ImportOptions,
  type ImportPreview,
  type ImportRejectPage,
  type ImportRejectView,
  type ImportTemplateView,
} from './imports.contract.js';

const mapping = z.record(z.string(), z.string()).describe('column header → field key');
const optionFields = {
  onDuplicate: z.enum(DUPLICATE_POLICIES),
  createMissingCustomers: z.boolean().describe('Transactions: create a customer for an unknown customer key'),
};
export const importOptions = responseOf<ImportOptions>()(z.object(optionFields));

export const importJobView = responseOf<ImportJobView>()(
  z.object({
    id: z.uuid(),
    kind: z.enum(IMPORT_KINDS),
    status: z.enum(['pending', 'queued', 'running', 'done', 'failed', 'cancelled', 'expired']),
    fileName: z.string(),
    fileSize: z.number().int(),
    format: z.enum(['csv', 'xlsx', 'whitespace']),
    encoding: z.string(),
    headers: z.array(z.string()),
    mapping,
    options: importOptions,
    processedRows: z.number().int(),
    progress: z.number().describe('0..1, from the bytes read'),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    rejected: z.number().int(),
    error: z.string().nullable(),
    createdByName: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
);
export const importJobList = responseOf<{ items: ImportJobView[] }>()(itemsOf(importJobView));

export const importFieldView = responseOf<ImportFieldView>()(
  z.object({ key: z.string(), label: z.string(), required: z.boolean(), multi: z.boolean().describe('Several columns may map to it') }),
);

export const importPreview = responseOf<ImportPreview>()(
  z.object({
    job: importJobView,
    rows: z.array(z.array(z.string())).describe('The first rows, as text, in file order'),
    fields: z.array(importFieldView),
    suggestedMapping: mapping,
    templateName: z.string().nullable(),
  }),
);

export const importRejectView = responseOf<ImportRejectView>()(
  z.object({ row: z.number().int(), field: z.string().nullable(), reason: z.string(), cells: z.array(z.string()) }),
);
export const importRejectPage = responseOf<ImportRejectPage>()(
  z.object({ items: z.array(importRejectView), nextAfterRow: z.number().int().nullable() }),
);

export const importTemplateView = responseOf<ImportTemplateView>()(
  z.object({
    id: z.uuid(),
    kind: z.enum(IMPORT_KINDS),
    name: z.string(),
    mapping,
    options: z.object({ onDuplicate: optionFields.onDuplicate.optional(), createMissingCustomers: optionFields.createMissingCustomers.optional() }),
  }),
);
export const importTemplateList = responseOf<{ items: ImportTemplateView[] }>()(itemsOf(importTemplateView));
