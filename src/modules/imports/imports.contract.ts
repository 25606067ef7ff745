/** Import types shared by the server and the web (no imports: the web bundles this file). */
export const IMPORT_KINDS = ['customers', 'transactions', 'feedback'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const DUPLICATE_POLICIES = ['skip', 'update', 'create'] as const;
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];
/** `expired`: an upload left unconfirmed (pending) for 24 hours (IMPORT_PENDING_TTL_MS), decided on read; it can no longer start. */
export type ImportStatus = 'pending' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'expired';
export const IMPORT_PENDING_TTL_MS = 24 * 3600 * 1000;

export type ImportOptions = {
  onDuplicate: DuplicatePolicy;
  /** Transactions: create a customer for an unknown customer key instead of refusing the row. */
  createMissingCustomers: boolean;
};

/** A field a column can map to. Several columns may map to a `multi` field (phones, tags). */
export type ImportFieldView = { key: string; label: string; required: boolean; multi: boolean };

export type ImportJobView = {
  id: string;
  kind: ImportKind;
  status: ImportStatus;
  fileName: string;
  fileSize: number;
  format: 'csv' | 'xlsx' | 'whitespace';
  encoding: string;
  headers: string[];
  mapping: Record<string, string>;
  options: ImportOptions;
  processedRows: number;
  /** 0..1, from the bytes read (rows are not counted ahead of time). */
  progress: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  error: string | null;
  createdByName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type ImportPreview = {
  job: ImportJobView;
  /** The first rows, as text, in file order. */
  rows: string[][];
  fields: ImportFieldView[];
  /** header → field key, from a saved template with the same headers, else from the header names. */
  suggestedMapping: Record<string, string>;
  templateName: string | null;
};

export type ImportRejectView = { row: number; field: string | null; reason: string; cells: string[] };
export type ImportTemplateView = { id: string; kind: ImportKind; name: string; mapping: Record<string, string>; options: Partial<ImportOptions> };
/** GET /imports/:id/rejects: a page of rejected rows; `nextAfterRow` asks for the next page. */
export type ImportRejectPage = { items: ImportRejectView[]; nextAfterRow: number | null };
