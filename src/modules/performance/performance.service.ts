/**
 * 团队绩效 (issue #17): a month's KPIs per agent, their incentive score and rank, the manager's weights, the payroll
 * export, and training notes.
 *
 * The ticket KPIs are the ticket report's own (tickets module `ticketReport`: the tickets created in the month,
 * by assignee, within the caller's ticket scope and the team filter); return visits are the tasks due in the month
 * (interactions module `returnVisitsByAssignee`). The score ranks each KPI among the agents on the page — a
 * percentile, ties sharing the midpoint, the better the higher; one agent alone scores 100 — and averages the
 * percentiles with the weights, over the KPIs measured for that agent. Being ranked against peers needs no target per
 * KPI, and an agent with no tickets rated is not punished for it: that KPI's weight is left out of their average.
 */
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { daysBetween } from '../../platform/time.js';
import { teamAndDescendants, teamDirectory, userDirectory } from '../accounts/index.js';
import { returnVisitsByAssignee } from '../interactions/index.js';
import { companyClock, readSetting, writeSetting } from '../settings/index.js';
import { ticketReport, type TicketPerformanceRow } from '../tickets/index.js';
import {
  DEFAULT_WEIGHTS,
  KPI_BETTER,
  PERFORMANCE_KPIS,
  type PerformanceKpi,
  type PerformanceReport,
  type PerformanceRow,
  type PerformanceWeights,
  type TrainingNoteList,
  type TrainingNoteView,
} from './performance.contract.js';
import { trainingNotes } from './schema.js';

const WEIGHTS_KEY = 'performance.weights';
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function readWeights(db: DbOrTx): Promise<PerformanceWeights> {
  return { ...DEFAULT_WEIGHTS, ...((await readSetting<Partial<PerformanceWeights>>(db, WEIGHTS_KEY)) ?? {}) };
}

export async function getWeights(db: DbOrTx, actor: Actor | null): Promise<PerformanceWeights> {
  requireAccess(actor, 'performance:read');
  return readWeights(db);
}

export async function setWeights(db: DbOrTx, actor: Actor | null, weights: PerformanceWeights): Promise<PerformanceWeights> {
  requireAccess(actor, 'performance:manage');
  if (PERFORMANCE_KPIS.every((k) => weights[k] === 0)) throw AppError.field('weights', 'performance.weights_all_zero');
  await writeSetting(db, WEIGHTS_KEY, weights);
  return readWeights(db);
}

/**
 * Percentile of each value among the values (the better the higher, 0–100): the share of the others it beats, ties
 * counting half. A value alone is 100; null stays null.
 */
export function percentiles(values: readonly (number | null)[], better: 'higher' | 'lower'): (number | null)[] {
  const measured = values.filter((v): v is number => v !== null);
  return values.map((v) => {
    if (v === null) return null;
    if (measured.length === 1) return 100;
    let beats = 0;
    for (const o of measured) {
      if (better === 'higher' ? v > o : v < o) beats += 1;
      else if (o === v) beats += 0.5;
    }
    beats -= 0.5; // itself
    return round((beats / (measured.length - 1)) * 100);
  });
}

/** The weighted average of the parts that are measured (null when none is, or their weights are all zero). */
export function weightedScore(parts: Record<PerformanceKpi, number | null>, weights: PerformanceWeights): number | null {
  let sum = 0;
  let weight = 0;
  for (const k of PERFORMANCE_KPIS) {
    const p = parts[k];
    if (p === null || !weights[k]) continue;
    sum += p * weights[k];
    weight += weights[k];
  }
  return weight ? round(sum / weight) : null;
}

function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: `${month}-01`, to: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

export async function performanceReport(db: DbOrTx, actor: Actor | null, q: { month?: string; teamId?: string }, now = new Date()): Promise<PerformanceReport> {
  requireAccess(actor, 'performance:read');
  const { zone, today } = await companyClock(db, now);
  const month = q.month ?? today.slice(0, 7);
  const { from, to } = monthRange(month);
  const report = await ticketReport(db, actor, { from, to, teamId: q.teamId }, now);
  const days = daysBetween(zone, from, to);
  const visits = await returnVisitsByAssignee(db, days.from, days.to);

  // Who is on the page: the agents of the report, and those with return visits due — of the team, when filtered.
  const byAgent = new Map<string, TicketPerformanceRow>();
  for (const r of report.byAgent) if (r.key) byAgent.set(r.key, r);
  const teamIds = q.teamId ? await teamAndDescendants(db, q.teamId) : null;
  const ids = new Set([...byAgent.keys(), ...visits.keys()]);
  if (!ids.size) return { month, from, to, teamId: q.teamId ?? null, weights: await readWeights(db), rows: [] };
  const people = rowsOf<{ id: string; name: string; team_id: string | null; team_name: string | null }>(
    await db.execute(sql`select u.id, u.display_name as name, u.team_id, t.name as team_name from ${userDirectory} u
      left join ${teamDirectory} t on t.id = u.team_id
      where u.id in (${sql.join([...ids].map((id) => sql`${id}::uuid`), sql`, `)})`),
  );
  // The team filter keeps the agents of the team; the ticket scope already limited the ticket KPIs to what the caller sees.
  const shown = people.filter((p) => !teamIds || (p.team_id !== null && teamIds.includes(p.team_id)) || byAgent.has(p.id));
  const weights = await readWeights(db);
  const base = shown.map((p) => {
    const t = byAgent.get(p.id);
    const v = visits.get(p.id) ?? { due: 0, onTime: 0 };
    return {
      user: { id: p.id, name: p.name },
      team: p.team_id ? { id: p.team_id, name: p.team_name ?? '' } : null,
      tickets: t?.tickets ?? 0,
      firstResponseMedianHours: t?.firstResponseMedianHours ?? null,
      firstResponseP90Hours: t?.firstResponseP90Hours ?? null,
      resolutionMedianHours: t?.resolutionMedianHours ?? null,
      resolutionP90Hours: t?.resolutionP90Hours ?? null,
      slaCompliance: t?.slaCompliance == null ? null : round(t.slaCompliance * 100, 2),
      reopenRate: t?.reopenRate == null ? null : round(t.reopenRate * 100, 2),
      satisfactionAvg: t?.satisfactionAvg ?? null,
      ratings: t?.ratings ?? 0,
      returnVisitsDue: v.due,
      returnVisitsOnTime: v.onTime,
      returnVisitOnTimeRate: v.due ? round((v.onTime * 100) / v.due, 2) : null,
    };
  });
  const kpiValue: Record<PerformanceKpi, (r: (typeof base)[number]) => number | null> = {
    tickets: (r) => r.tickets,
    firstResponse: (r) => r.firstResponseMedianHours,
    resolution: (r) => r.resolutionMedianHours,
    sla: (r) => r.slaCompliance,
    satisfaction: (r) => r.satisfactionAvg,
    returnVisits: (r) => r.returnVisitOnTimeRate,
  };
  const pct = Object.fromEntries(PERFORMANCE_KPIS.map((k) => [k, percentiles(base.map(kpiValue[k]), KPI_BETTER[k])])) as Record<PerformanceKpi, (number | null)[]>;
  const rows: PerformanceRow[] = base.map((r, i) => {
    const parts = Object.fromEntries(PERFORMANCE_KPIS.map((k) => [k, pct[k][i] ?? null])) as Record<PerformanceKpi, number | null>;
    return { ...r, parts, score: weightedScore(parts, weights), rank: null };
  });
  rows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || b.tickets - a.tickets || a.user.name.localeCompare(b.user.name));
  let rank = 0;
  let last: number | null = null;
  rows.forEach((r, i) => {
    if (r.score === null) return;
    if (r.score !== last) rank = i + 1;
    last = r.score;
    r.rank = rank;
  });
  return { month, from, to, teamId: q.teamId ?? null, weights, rows };
}

// ---- training notes --------------------------------------------------------------------------------------------------

async function noteViews(db: DbOrTx, where: ReturnType<typeof sql>): Promise<TrainingNoteView[]> {
  const rows = rowsOf<{ id: string; user_id: string; note: string; author_id: string | null; author_name: string | null; created_at: Date | string }>(
    await db.execute(sql`select n.id, n.user_id, n.note, n.author_id, a.display_name as author_name, n.created_at
      from ${trainingNotes} n left join ${userDirectory} a on a.id = n.author_id
      where n.deleted_at is null and ${where} order by n.created_at desc, n.id desc limit 200`),
  );
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    note: r.note,
    author: r.author_id ? { id: r.author_id, name: r.author_name ?? '' } : null,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export async function listTrainingNotes(db: DbOrTx, actor: Actor | null, userId: string): Promise<TrainingNoteList> {
  requireAccess(actor, 'performance:read');
  return { items: await noteViews(db, sql`n.user_id = ${userId}::uuid`) };
}

export async function addTrainingNote(db: DbOrTx, actor: Actor | null, input: { userId: string; note: string }): Promise<TrainingNoteView> {
  requireAccess(actor, 'performance:manage');
  const [user] = rowsOf<{ id: string }>(await db.execute(sql`select id from ${userDirectory} where id = ${input.userId}::uuid`));
  if (!user) throw AppError.field('userId', 'performance.user_not_found');
  const [row] = await db.insert(trainingNotes).values({ userId: input.userId, note: input.note, authorId: actor.userId }).returning({ id: trainingNotes.id });
  return (await noteViews(db, sql`n.id = ${row!.id}::uuid`))[0]!;
}

export async function deleteTrainingNote(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'performance:manage');
  const res = rowsOf<{ id: string }>(await db.execute(sql`update ${trainingNotes} set deleted_at = now() where id = ${id}::uuid and deleted_at is null returning id`));
  if (!res.length) throw AppError.notFound('performance.note_not_found');
}
