/**
 * Survey results (issue #15 part 4): response rate, NPS / CSAT / CES with their intervals, SERVQUAL gaps, per-question
 * distributions and a breakdown by segment, value tier, compound, agent or over time.
 *
 * Everything is counted in SQL — counts per score over the response's headline columns (nps, csat, ces) and over its
 * answers (jsonb) for the rest — and handed to stats.ts's pure functions. One scan for the figures (scanCounts: one
 * row of FILTER aggregates), one per multiple-choice or matrix question, one for the breakdown (GROUPING SETS), one
 * for the invitations, one per text question for its latest samples. 100,000 responses on PostgreSQL: 0.24 s, with a
 * breakdown 0.4–0.5 s (bench/surveys.bench.ts).
 *
 * Which responses: complete ones of one definition version (`version`, default the current one: results stay tied to
 * their version, as the questions may differ), completed within [from, to] (dates are days in the company time zone,
 * `to` inclusive; instants are taken as given, `to` exclusive).
 *
 * Data scope: an actor whose scope is `all` sees every response, anonymous ones (QR codes) included. Anyone else sees
 * only responses of customers in their scope (customerAccess): an anonymous answer belongs to no one's customers, and
 * counting it for an account manager would show them other areas' households. The invitations behind the response
 * rate are scoped the same way. The breakdown reads other modules through their exports only: segment membership
 * (segments' `segment_member_ledger`), the value tier (analyticsFacts.tierOf), the compound (customers'
 * `customer_directory`, else the compound a QR code hangs in), agent names (accounts' `user_directory`), and the
 * company time zone (settings' companyClock).
 */
import { sql, type SQL } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { startOfDay } from '../../platform/time.js';
import { userNames } from '../accounts/index.js';
import { analyticsFacts } from '../analytics/index.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import { segmentMemberLedger, segmentSummaries } from '../segments/index.js';
import { companyClock } from '../settings/index.js';
import { SCALES, type Question, type SurveyDefinition, type Text } from './definition.js';
import { surveyInvitations, surveyQrCodes, surveyResponses, surveys, surveyVersions } from './schema.js';
import { cesOf, csatOf, npsOf, responseRate, servqualOf, type ServqualSums } from './stats.js';
import type { BreakdownRow, CesFigures, CsatFigures, NpsFigures, QuestionResult, ResultBreakdown, ServqualFigures, SurveyResults } from './surveys.contract.js';

export type ResultsQuery = { version?: number | undefined; from?: string | undefined; to?: string | undefined; by?: ResultBreakdown | undefined };

const SAMPLES = 20;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A survey text in the caller's language (English when asked and written, else Chinese). */
export const textOf = (text: Text, locale: Locale): string => (locale === 'en' ? (text.en ?? text.zh) : text.zh);

/** The survey, the version the figures are for and its definition (404 for an unknown survey or version). */
export async function resultsTarget(db: DbOrTx, surveyId: string, version: number | undefined) {
  const [s] = await db.select({ id: surveys.id, name: surveys.name, currentVersionId: surveys.currentVersionId }).from(surveys).where(sql`${surveys.id} = ${surveyId}`);
  if (!s) throw AppError.notFound('surveys.not_found');
  const cond = version === undefined ? sql`${surveyVersions.id} = ${s.currentVersionId}` : sql`${surveyVersions.surveyId} = ${s.id} and ${surveyVersions.version} = ${version}`;
  const [v] = await db.select({ id: surveyVersions.id, version: surveyVersions.version, definition: surveyVersions.definition }).from(surveyVersions).where(cond);
  if (!v) throw AppError.field('version', 'surveys.version_unknown', { field: 'version', value: version ?? 0 });
  return { survey: s, versionId: v.id, version: v.version, definition: v.definition };
}

/** An instant of `from` / `to`: a date is that day's start (from) or the next day's start (to) in the company zone. */
function boundOf(value: string, zone: string, end: boolean): Date {
  if (DATE.test(value)) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    return startOfDay(zone, y, m, d + (end ? 1 : 0));
  }
  return new Date(value);
}

/** Scope + filters over a responses alias `r` (complete responses of the version). */
export function responseConditions(actor: Actor, versionId: string, q: ResultsQuery, zone: string, alias = 'r'): SQL {
  const r = sql.identifier(alias);
  const parts: SQL[] = [sql`${r}.version_id = ${versionId}`, sql`${r}.status = 'complete'`];
  if (q.from) parts.push(sql`${r}.completed_at >= ${boundOf(q.from, zone, false).toISOString()}::timestamptz`);
  if (q.to) parts.push(sql`${r}.completed_at < ${boundOf(q.to, zone, true).toISOString()}::timestamptz`);
  if (customerAccess.scope(actor).kind !== 'all') parts.push(sql`${r}.customer_id is not null and ${customerAccess.filter(actor, sql`${r}.customer_id`)}`);
  return sql.join(parts, sql` and `);
}

type Part = { part: string; q: string | null; k: string | null; n: number; a: number | null; b: number | null };

const ids = (def: SurveyDefinition, types: readonly Question['type'][]) => def.questions.filter((x) => types.includes(x.type)).map((x) => x.id);

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
/**
 * A question id as an SQL literal: the same expression must appear in the select list and in GROUPING SETS, which
 * bind parameters would make different expressions. Ids are [a-z0-9_]{1,40} (the definition's schema), checked again.
 */
function idLiteral(id: string): SQL {
  if (!/^[a-z0-9_]{1,40}$/.test(id)) throw new Error(`not a question id: ${id}`);
  return sql.raw(`'${id}'`);
}

/**
 * The counts of one scan, as one row of aggregates: the total; per headline column (nps, csat, ces) a count per
 * score; per score or single-choice question (`answers ->> id`, projected once) a count per score or option; per
 * question how many answered it; per item of the first SERVQUAL question the answers and the sums of E and P.
 * (Aggregates with FILTER over known values rather than GROUP BY: the planner cannot estimate groups of a jsonb
 * expression and sorts 100,000 rows per grouping set, three times slower.) Parts: total, nps, csat, ces,
 * answered (q), value (q, k = score or option), servqual (q, k = item, n, a = ΣE, b = ΣP).
 */
async function scanCounts(db: DbOrTx, surveyId: string, where: SQL, def: SurveyDefinition): Promise<Part[]> {
  const aggs: SQL[] = [sql`count(*)`];
  const slots: Omit<Part, 'n' | 'a' | 'b'>[] = [{ part: 'total', q: null, k: null }];
  const add = (slot: Omit<Part, 'n' | 'a' | 'b'>, agg: SQL) => {
    slots.push(slot);
    aggs.push(agg);
  };
  for (const [part, { min, max }] of [['nps', SCALES.nps], ['csat', SCALES.csat], ['ces', SCALES.ces]] as const) {
    for (let v = min; v <= max; v++) add({ part, q: null, k: String(v) }, sql`count(*) filter (where ${sql.raw(part)} = ${sql.raw(String(v))})`);
  }
  const projected: SQL[] = [sql`r.nps`, sql`r.csat`, sql`r.ces`];
  def.questions.forEach((q, i) => {
    const col = sql.raw(`q${i}`);
    const scale = scaleOf(q);
    const values = scale ? Array.from({ length: scale.max - scale.min + 1 }, (_, j) => String(scale.min + j)) : q.type === 'single' ? q.options.map((o) => o.value) : null;
    if (values) {
      projected.push(sql`(r.answers ->> ${idLiteral(q.id)}) as ${col}`);
      add({ part: 'answered', q: q.id, k: null }, sql`count(${col})`);
      for (const v of values) add({ part: 'value', q: q.id, k: v }, sql`count(*) filter (where ${col} = ${idLiteral(v)})`);
    } else if (q.type === 'servqual' && q === def.questions.find((x) => x.type === 'servqual')) {
      projected.push(sql`(r.answers -> ${idLiteral(q.id)}) as ${col}`);
      add({ part: 'answered', q: q.id, k: null }, sql`count(${col})`);
      for (const item of q.items) {
        const at = sql`${col} -> ${idLiteral(item.id)}`;
        add({ part: 'servqual', q: q.id, k: item.id }, sql`count(${at})`);
        add({ part: 'servqual.e', q: q.id, k: item.id }, sql`sum((${at} ->> 'e')::float8)`);
        add({ part: 'servqual.p', q: q.id, k: item.id }, sql`sum((${at} ->> 'p')::float8)`);
      }
    } else {
      projected.push(sql`((r.answers -> ${idLiteral(q.id)}) is not null) as ${col}`);
      add({ part: 'answered', q: q.id, k: null }, sql`count(*) filter (where ${col})`);
    }
  });
  const [row] = rowsOf<{ v: (number | string | null)[] }>(
    await db.execute(sql`
      select array[${sql.join(aggs, sql`, `)}]::float8[] as v
        from (select ${sql.join(projected, sql`, `)} from ${surveyResponses} r where r.survey_id = ${surveyId} and ${where}) x`),
  );
  const values = (row?.v ?? []).map((v) => num(v) ?? 0);
  const out: Part[] = [];
  const sums = new Map<string, { e: number; p: number }>();
  slots.forEach((slot, i) => {
    if (slot.part === 'servqual.e' || slot.part === 'servqual.p') {
      const s = sums.get(slot.k!) ?? { e: 0, p: 0 };
      if (slot.part === 'servqual.e') s.e = values[i]!;
      else s.p = values[i]!;
      sums.set(slot.k!, s);
    } else out.push({ ...slot, n: values[i]!, a: null, b: null });
  });
  for (const p of out) if (p.part === 'servqual') Object.assign(p, { a: sums.get(p.k!)?.e ?? 0, b: sums.get(p.k!)?.p ?? 0 });
  return out;
}

/** Multiple choices (value: q, k = option) and matrices (matrix: q, k = row, a = score), one small scan each. */
async function nestedCounts(db: DbOrTx, surveyId: string, where: SQL, def: SurveyDefinition): Promise<Part[]> {
  const parts: SQL[] = [];
  for (const id of ids(def, ['multiple'])) {
    parts.push(sql`select 'value' as part, ${id}::text as q, e.v as k, count(*)::int as n, null::float8 as a
      from ${surveyResponses} r cross join lateral jsonb_array_elements_text(case when jsonb_typeof(r.answers -> ${id}) = 'array' then r.answers -> ${id} else '[]'::jsonb end) e(v)
     where r.survey_id = ${surveyId} and ${where} group by e.v`);
  }
  for (const id of ids(def, ['matrix'])) {
    parts.push(sql`select 'matrix', ${id}::text, e.key, count(*)::int, (e.value #>> '{}')::float8
      from ${surveyResponses} r cross join lateral jsonb_each(case when jsonb_typeof(r.answers -> ${id}) = 'object' then r.answers -> ${id} else '{}'::jsonb end) e
     where r.survey_id = ${surveyId} and ${where} group by e.key, e.value #>> '{}'`);
  }
  if (!parts.length) return [];
  const rows = rowsOf<Part>(await db.execute(sql.join(parts, sql` union all `)));
  return rows.map((x) => ({ ...x, n: Number(x.n), a: num(x.a), b: null }));
}

async function figureRows(db: DbOrTx, surveyId: string, where: SQL, def: SurveyDefinition): Promise<Part[]> {
  return [...(await scanCounts(db, surveyId, where, def)), ...(await nestedCounts(db, surveyId, where, def))];
}

/** Counts per score min..max from parts `part` (keys are the scores as text). */
function countsOf(rows: readonly Part[], part: string, min: number, max: number, q: string | null = null): number[] {
  const counts = new Array<number>(max - min + 1).fill(0);
  for (const r of rows) {
    if (r.part !== part || r.q !== q || r.k === null) continue;
    const score = Number(r.k);
    if (Number.isInteger(score) && score >= min && score <= max) counts[score - min]! += r.n;
  }
  return counts;
}

export const npsFigures = (counts: readonly number[]): NpsFigures => npsOf(counts);
export function csatFigures(counts: readonly number[]): CsatFigures {
  const { n, satisfiedShare, mean, ci95 } = csatOf(counts);
  return { n, satisfiedShare, mean, ci95 };
}
export const cesFigures = (counts: readonly number[]): CesFigures => cesOf(counts);

const meanOfCounts = (counts: readonly number[], min: number) => {
  const n = counts.reduce((s, c) => s + c, 0);
  return n ? counts.reduce((s, c, i) => s + c * (min + i), 0) / n : null;
};

const scaleOf = (q: Question): { min: number; max: number } | null =>
  q.type === 'nps' || q.type === 'csat' || q.type === 'ces' ? SCALES[q.type] : q.type === 'rating' ? { min: 1, max: q.max } : null;

/** One question's distribution from the parts (text samples are filled in afterwards). */
function questionOf(q: Question, rows: readonly Part[], locale: Locale): QuestionResult {
  const answered = rows.find((r) => r.part === 'answered' && r.q === q.id)?.n ?? 0;
  const out: QuestionResult = { id: q.id, type: q.type, text: textOf(q.text, locale), answered, counts: [], mean: null, rows: null, samples: null };
  const scale = scaleOf(q);
  if (scale) {
    const counts = countsOf(rows, 'value', scale.min, scale.max, q.id);
    out.counts = counts.map((count, i) => ({ value: String(scale.min + i), label: String(scale.min + i), count }));
    out.mean = meanOfCounts(counts, scale.min);
  } else if (q.type === 'single' || q.type === 'multiple') {
    const by = new Map(rows.filter((r) => r.part === 'value' && r.q === q.id).map((r) => [r.k, r.n]));
    out.counts = q.options.map((o) => ({ value: o.value, label: textOf(o.text, locale), count: by.get(o.value) ?? 0 }));
  } else if (q.type === 'matrix') {
    const { min, max } = q.scale;
    out.rows = q.rows.map((row) => {
      const counts = new Array<number>(max - min + 1).fill(0);
      for (const r of rows) if (r.part === 'matrix' && r.q === q.id && r.k === row.id && r.a !== null && r.a >= min && r.a <= max) counts[r.a - min]! += r.n;
      return { id: row.id, label: textOf(row.text, locale), counts, mean: meanOfCounts(counts, min) };
    });
  } else if (q.type === 'text') {
    out.samples = [];
  }
  return out;
}

/** The SERVQUAL figures of the definition's first SERVQUAL question; null without one. */
function servqualFigures(def: SurveyDefinition, rows: readonly Part[], locale: Locale): ServqualFigures | null {
  const q = def.questions.find((x) => x.type === 'servqual');
  if (!q || q.type !== 'servqual') return null;
  const sums: ServqualSums[] = rows.filter((r) => r.part === 'servqual' && r.q === q.id && r.k !== null).map((r) => ({ itemId: r.k!, n: r.n, sumE: r.a ?? 0, sumP: r.b ?? 0 }));
  const result = servqualOf(q.items, sums, def.dimensionWeights);
  const texts = new Map(q.items.map((i) => [i.id, textOf(i.text, locale)]));
  return { ...result, items: result.items.map((i) => ({ ...i, text: texts.get(i.id) ?? i.id })) };
}

/** The latest answers of a text question, newest first. */
async function samplesOf(db: DbOrTx, surveyId: string, where: SQL, questionId: string): Promise<{ text: string; at: string }[]> {
  const rows = rowsOf<{ text: string; at: string | Date }>(
    await db.execute(sql`
      select r.answers ->> ${questionId} as text, r.completed_at as at from ${surveyResponses} r
       where r.survey_id = ${surveyId} and ${where} and (r.answers -> ${questionId}) is not null
       order by r.completed_at desc, r.id desc limit ${SAMPLES}`),
  );
  return rows.map((r) => ({ text: r.text, at: new Date(r.at).toISOString() }));
}

/** Invitations of the version (not withdrawn) in the caller's scope, created within the period, and those answered. */
async function invitationCounts(db: DbOrTx, actor: Actor, surveyId: string, versionId: string, q: ResultsQuery, zone: string) {
  const parts: SQL[] = [sql`i.survey_id = ${surveyId}`, sql`i.version_id = ${versionId}`, sql`i.status <> 'withdrawn'`];
  if (q.from) parts.push(sql`i.created_at >= ${boundOf(q.from, zone, false).toISOString()}::timestamptz`);
  if (q.to) parts.push(sql`i.created_at < ${boundOf(q.to, zone, true).toISOString()}::timestamptz`);
  if (customerAccess.scope(actor).kind !== 'all') parts.push(customerAccess.filter(actor, sql`i.customer_id`));
  const [row] = rowsOf<{ invited: number; responded: number }>(
    await db.execute(sql`
      select count(*)::int as invited, count(*) filter (where i.status = 'responded')::int as responded
        from ${surveyInvitations} i where ${sql.join(parts, sql` and `)}`),
  );
  return { invited: Number(row?.invited ?? 0), responded: Number(row?.responded ?? 0) };
}

const TIME_UNITS = { day: 'day', week: 'week', month: 'month' } as const;

/** The key expression and joins of a breakdown over responses `r`. */
async function breakdownKey(db: DbOrTx, by: ResultBreakdown, zone: string): Promise<{ key: SQL; joins: SQL }> {
  switch (by) {
    case 'segment':
      return { key: sql`m.segment_id::text`, joins: sql`join ${segmentMemberLedger} m on m.customer_id = r.customer_id and m.exited_at is null` };
    case 'tier':
      return { key: (await analyticsFacts.exist(db)) ? analyticsFacts.tierOf(sql`r.customer_id`) : sql`null::text`, joins: sql`` };
    case 'compound':
      return {
        key: sql`coalesce(c.compound, case when qr.place = 'compound' then qr.place_value end)`,
        joins: sql`left join ${customerDirectory} c on c.id = r.customer_id left join ${surveyQrCodes} qr on qr.id = r.qr_code_id`,
      };
    case 'agent':
      return { key: sql`r.agent_id::text`, joins: sql`` };
    default: {
      const unit = TIME_UNITS[by];
      const format = by === 'month' ? 'YYYY-MM' : 'YYYY-MM-DD';
      return { key: sql`to_char(date_trunc(${unit}, r.completed_at at time zone ${zone}), ${format})`, joins: sql`` };
    }
  }
}

/** Labels of breakdown keys: segment and agent names, tier names; `none` for responses without the dimension. */
async function labelsOf(db: DbOrTx, by: ResultBreakdown, keys: string[], locale: Locale): Promise<Map<string, string>> {
  const out = new Map<string, string>([['none', t(locale, 'surveys.results.none')]]);
  const real = keys.filter((k) => k !== 'none');
  if (by === 'segment') for (const s of await segmentSummaries(db, real)) out.set(s.id, s.name);
  else if (by === 'agent' && real.length) {
    for (const [id, name] of await userNames(db, real)) out.set(id, name);
  } else if (by === 'tier') for (const k of ['high', 'middle', 'low'] as const) out.set(k, t(locale, `surveys.results.tier.${k}`));
  return out;
}

async function breakdownOf(db: DbOrTx, surveyId: string, where: SQL, by: ResultBreakdown, zone: string, locale: Locale): Promise<BreakdownRow[]> {
  const { key, joins } = await breakdownKey(db, by, zone);
  // One scan: GROUPING SETS (key), (key, nps), (key, csat), (key, ces); `part` says which set a row belongs to.
  const rows = rowsOf<{ key: string; part: string; score: number | null; n: number }>(
    await db.execute(sql`
      select key, case when grouping(nps) = 0 then 'nps' when grouping(csat) = 0 then 'csat' when grouping(ces) = 0 then 'ces' else 'total' end as part,
             coalesce(nps, csat, ces) as score, count(*)::int as n
        from (select coalesce((${key})::text, 'none') as key, r.nps, r.csat, r.ces
                from ${surveyResponses} r ${joins} where r.survey_id = ${surveyId} and ${where}) b
       group by grouping sets ((key), (key, nps), (key, csat), (key, ces))`),
  );
  const kept = rows.filter((r) => r.part === 'total' || r.score !== null);
  const keys = [...new Set(kept.map((r) => r.key))];
  const labels = await labelsOf(db, by, keys, locale);
  const parts = (key: string): Part[] => kept.filter((r) => r.key === key).map((r) => ({ part: r.part, q: null, k: r.score === null ? null : String(r.score), n: Number(r.n), a: null, b: null }));
  const out = keys.map((k): BreakdownRow => {
    const p = parts(k);
    return {
      key: k,
      label: labels.get(k) ?? k,
      responses: p.find((x) => x.part === 'total')?.n ?? 0,
      nps: npsFigures(countsOf(p, 'nps', 0, 10)),
      csat: csatFigures(countsOf(p, 'csat', 1, 5)),
      ces: cesFigures(countsOf(p, 'ces', 1, 7)),
    };
  });
  const overTime = by === 'day' || by === 'week' || by === 'month';
  return out.sort((a, b) => (overTime ? a.key.localeCompare(b.key) : b.responses - a.responses || a.key.localeCompare(b.key)));
}

/** GET /surveys/:id/results (survey:read): the figures of one version within the caller's data scope. */
export async function surveyResults(db: DbOrTx, actor: Actor | null, surveyId: string, q: ResultsQuery = {}): Promise<SurveyResults> {
  requireAccess(actor, 'survey:read');
  const target = await resultsTarget(db, surveyId, q.version);
  const { zone } = await companyClock(db);
  const locale = actor.locale;
  const where = responseConditions(actor, target.versionId, q, zone);
  const def = target.definition;
  const rows = await figureRows(db, surveyId, where, def);
  const questions = def.questions.map((x) => questionOf(x, rows, locale));
  for (const question of questions) if (question.type === 'text' && question.answered > 0) question.samples = await samplesOf(db, surveyId, where, question.id);
  const { invited, responded } = await invitationCounts(db, actor, surveyId, target.versionId, q, zone);
  return {
    responses: rows.find((r) => r.part === 'total')?.n ?? 0,
    nps: npsFigures(countsOf(rows, 'nps', 0, 10)),
    csat: csatFigures(countsOf(rows, 'csat', 1, 5)),
    ces: cesFigures(countsOf(rows, 'ces', 1, 7)),
    servqual: servqualFigures(def, rows, locale),
    surveyId,
    version: target.version,
    invited,
    responseRate: responseRate(invited, responded),
    questions,
    by: q.by ?? null,
    breakdown: q.by ? await breakdownOf(db, surveyId, where, q.by, zone, locale) : [],
    zone,
  };
}
