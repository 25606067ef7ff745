/** Test helpers for imports: upload a file as the web does, start it, wait for the background job to end. */
import { expect } from 'vitest';
import type { Client } from './harness.js';

export type Preview = {
  job: { id: string; headers: string[]; encoding: string; format: string };
  rows: string[][];
  suggestedMapping: Record<string, string>;
  templateName: string | null;
  fields: { key: string; label: string; required: boolean }[];
};
export type Job = {
  id: string;
  status: string;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  processedRows: number;
  progress: number;
  error: string | null;
};
export type Reject = { row: number; field: string | null; reason: string; cells: string[] };

export async function upload(as: Client, kind: string, fileName: string, content: Buffer | string): Promise<Preview> {
  const res = await as.post(`/api/v1/imports?kind=${kind}&fileName=${encodeURIComponent(fileName)}`, Buffer.from(content), {
    'content-type': 'application/octet-stream',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Preview;
}

export async function waitFor(as: Client, id: string, timeoutMs = 120_000): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await as.get(`/api/v1/imports/${id}`)).json() as Job;
    if (!['queued', 'running', 'pending'].includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`import ${id} still ${job.status} after ${timeoutMs} ms`);
    // Every poll is a request the job's slices wait behind (PGlite): a fifth of a second between them.
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Upload, start with the given (or suggested) mapping, and wait for the end. */
export async function importFile(
  as: Client,
  kind: string,
  fileName: string,
  content: Buffer | string,
  start: { mapping?: Record<string, string>; options?: Record<string, unknown>; saveTemplateAs?: string } = {},
): Promise<{ preview: Preview; job: Job; rejects: Reject[] }> {
  const preview = await upload(as, kind, fileName, content);
  const res = await as.post(`/api/v1/imports/${preview.job.id}/start`, {
    mapping: start.mapping ?? preview.suggestedMapping,
    ...(start.options ? { options: start.options } : {}),
    ...(start.saveTemplateAs ? { saveTemplateAs: start.saveTemplateAs } : {}),
  });
  expect(res.statusCode, res.body).toBe(200);
  const job = await waitFor(as, preview.job.id);
  expect(job.status, job.error ?? '').toBe('done');
  const rejects = ((await as.get(`/api/v1/imports/${preview.job.id}/rejects?limit=500`)).json() as { items: Reject[] }).items;
  return { preview, job, rejects };
}
