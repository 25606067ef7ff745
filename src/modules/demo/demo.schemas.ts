/** Response schemas of the demo-data API (see platform/http/response.ts), tied to demo.contract.ts. */
import { z } from 'zod';
import { responseOf } from '../../platform/http/response.js';
import type { DemoStatus } from './demo.contract.js';

export const demoStatusView = responseOf<DemoStatus>()(
  z.object({
    status: z.enum(['none', 'loading', 'done', 'failed']),
    seed: z.number().int().nullable(),
    size: z.number().int().nullable(),
    asOf: z.string().nullable().describe('The day the data is generated up to (YYYY-MM-DD)'),
    loaded: z.number().int().describe('Households written so far'),
    customers: z.number().int(),
    transactions: z.number().int(),
    history: z
      .object({ played: z.number().int(), scripts: z.number().int() })
      .nullable()
      .describe('The service history (tickets, feedback, care) played after the households: scripts done of all'),
    fingerprint: z.string().nullable().describe('SHA-256 of the generated rows: the same seed, size and date give the same value'),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    seconds: z.number().nullable(),
    error: z.string().nullable(),
  }),
);
