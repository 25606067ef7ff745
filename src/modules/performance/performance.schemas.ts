/** Response schemas of the team-performance API. */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import type { PerformanceKpi, PerformanceReport, PerformanceRow, PerformanceWeights, TrainingNoteList, TrainingNoteView } from './performance.contract.js';

const n = z.number().nullable();
const kpis = <S extends z.ZodType>(s: S) =>
  z.object({ tickets: s, firstResponse: s, resolution: s, sla: s, satisfaction: s, returnVisits: s }) as unknown as z.ZodType<Record<PerformanceKpi, z.infer<S>>>;

export const performanceWeights = responseOf<PerformanceWeights>()(kpis(z.number().int()) as z.ZodType<PerformanceWeights>);

const row = responseOf<PerformanceRow>()(
  z.object({
    user: z.object({ id: z.string(), name: z.string() }),
    team: z.object({ id: z.string(), name: z.string() }).nullable(),
    tickets: z.number().int(),
    firstResponseMedianHours: n,
    firstResponseP90Hours: n,
    resolutionMedianHours: n,
    resolutionP90Hours: n,
    slaCompliance: n,
    reopenRate: n,
    satisfactionAvg: n,
    ratings: z.number().int(),
    returnVisitsDue: z.number().int(),
    returnVisitsOnTime: z.number().int(),
    returnVisitOnTimeRate: n,
    parts: kpis(n),
    score: n,
    rank: z.number().int().nullable(),
  }),
);

export const performanceReportView = responseOf<PerformanceReport>()(
  z.object({ month: z.string(), from: z.string(), to: z.string(), teamId: z.string().nullable(), weights: performanceWeights, rows: z.array(row) }),
);

export const trainingNoteView = responseOf<TrainingNoteView>()(
  z.object({ id: z.string(), userId: z.string(), note: z.string(), author: z.object({ id: z.string(), name: z.string() }).nullable(), createdAt: z.string() }),
);
export const trainingNoteList = responseOf<TrainingNoteList>()(itemsOf(trainingNoteView));
