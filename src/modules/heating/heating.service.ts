/**
 * The compound tree (小区 → 楼栋 → 单元) and the arrears list (欠费), both in the reader's data scope.
 *
 * The tree is lazy: each level is one grouped query over the customers of the node being opened — the compounds
 * (a pass over the households), the buildings of one compound or the units of one building (through the customers'
 * compound index) — with, per node, the open tickets (the tickets module's per-household count), and the households
 * owing heating fees and their sum from the arrears read model (arrears.ts). Arrears are read from `heating_arrears`
 * only: the rule and its upkeep are in arrears.ts.
 */
import { sql, type SQL } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeKeysCursor, encodeKeysCursor } from '../../platform/http/cursor.js';
import { maskPhone } from '../../platform/phone.js';
import { customerAccess, customerDirectory, customerFields } from '../customers/index.js';
import { ticketFacts } from '../tickets/index.js';
import { arrearsRunState, dueYearAt, runView, seasonOf } from './arrears.js';
import type { ArrearsPage, ArrearsRow, ArrearsSeason, ArrearsSummary, TreeLevel, TreeLevelView, TreeNode } from './heating.contract.js';
import type { ArrearsQuery, TargetQuery } from './heating.types.js';
import { heatingArrears } from './schema.js';

const collator = new Intl.Collator('zh-CN', { numeric: true });
const num = (v: unknown) => Number(v ?? 0);

/** A target's parts must nest: a building within a compound, a unit within a building. */
export function checkTarget(q: { compound?: string; building?: string; unit?: string }): void {
  if (q.building && !q.compound) throw AppError.field('building', 'heating.building_needs_compound');
  if (q.unit && !q.building) throw AppError.field('unit', 'heating.unit_needs_building');
}

/** The customers of a target (over the alias `c` of customer_directory). */
export function targetWhere(q: { compound?: string | null; building?: string | null; unit?: string | null }): SQL {
  const parts: SQL[] = [];
  if (q.compound) parts.push(sql`c.compound = ${q.compound}`);
  if (q.building) parts.push(sql`c.building = ${q.building}`);
  if (q.unit) parts.push(sql`c.unit = ${q.unit}`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

/** One level of the tree: the compounds, the buildings of `compound`, or the units of `compound` / `building`. */
export async function treeLevel(db: DbOrTx, actor: Actor | null, q: TargetQuery): Promise<TreeLevelView> {
  requireAccess(actor, 'customer:read');
  if (q.unit) throw AppError.field('unit', 'heating.unit_is_a_leaf');
  checkTarget(q);
  const level: TreeLevel = q.building ? 'unit' : q.compound ? 'building' : 'compound';
  const key = level === 'compound' ? sql`c.compound` : level === 'building' ? sql`c.building` : sql`c.unit`;
  const rows = rowsOf<{ key: string | null; households: number; open_tickets: number; arrears_households: number; arrears_fen: string | number }>(
    await db.execute(sql`
      select ${key} as key, count(*)::int as households,
             coalesce(sum(${ticketFacts.openCount(sql`c.id`)}), 0)::int as open_tickets,
             count(a.customer_id)::int as arrears_households,
             coalesce(sum(a.owed), 0)::bigint as arrears_fen
      from ${customerDirectory} c
      left join (select customer_id, sum(owed_fen) as owed from ${heatingArrears} group by customer_id) a on a.customer_id = c.id
      where c.deleted_at is null and ${customerAccess.where(actor, 'c')} and ${targetWhere(q)}
      group by 1`),
  );
  const items: TreeNode[] = rows
    .map((r) => ({ key: r.key, households: num(r.households), openTickets: num(r.open_tickets), arrearsHouseholds: num(r.arrears_households), arrearsFen: num(r.arrears_fen) }))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : collator.compare(a.key, b.key)));
  const { lastDone } = await arrearsRunState(db);
  return { level, compound: q.compound ?? null, building: q.building ?? null, items, arrearsAsOf: lastDone?.finishedAt?.toISOString() ?? null };
}

/** The arrears rows' condition: season, and the customers' target and the reader's scope (alias `c`). */
function arrearsFilter(actor: Actor, q: ArrearsQuery): { season: SQL; customers: SQL } {
  checkTarget(q);
  return {
    season: q.season ? sql`a.season_year = ${Number(q.season.slice(0, 4))}::int` : sql`true`,
    customers: sql`c.deleted_at is null and ${customerAccess.where(actor, 'c')} and ${targetWhere(q)}`,
  };
}

type ArrearsDbRow = {
  id: string;
  name: string;
  external_id: string | null;
  compound: string | null;
  building: string | null;
  unit: string | null;
  room: string | null;
  phones: string[];
  owed: string | number;
  seasons: ArrearsSeason[] | string;
};

/**
 * Households owing heating fees, most owed first (then by id), keyset pages: each with what it owes by season. With a
 * season, only that season's debts (and households owing it).
 */
export async function listArrears(db: DbOrTx, actor: Actor | null, q: ArrearsQuery & { cursor?: string; limit: number }): Promise<ArrearsPage> {
  requireAccess(actor, 'customer:read');
  const f = arrearsFilter(actor, q);
  const after = q.cursor ? decodeKeysCursor(q.cursor, ['integer']) : null;
  const rows = rowsOf<ArrearsDbRow>(
    await db.execute(sql`
      select c.id, c.name, c.external_id, c.compound, c.building, c.unit, c.room, c.phones, a.owed, a.seasons
      from (
        select a.customer_id, sum(a.owed_fen)::bigint as owed,
               json_agg(json_build_object('season', a.season, 'dueFen', a.due_fen, 'paidFen', a.paid_fen, 'owedFen', a.owed_fen, 'basis', a.basis)
                        order by a.season_year) as seasons
        from ${heatingArrears} a where ${f.season} group by a.customer_id
      ) a
      join ${customerDirectory} c on c.id = a.customer_id
      where ${f.customers} ${after ? sql`and (a.owed, c.id) < (${after.values[0]}::bigint, ${after.id}::uuid)` : sql``}
      order by a.owed desc, c.id desc
      limit ${q.limit + 1}`),
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  // Field grants (issue #18): no address or phone for a role that does not see them.
  const fields = customerFields(actor);
  const place = fields.visible('address');
  const items: ArrearsRow[] = page.map((r) => {
    const seasons = (typeof r.seasons === 'string' ? JSON.parse(r.seasons) : r.seasons) as ArrearsSeason[];
    return {
      customerId: r.id,
      name: r.name,
      customerNo: r.external_id,
      compound: place ? r.compound : null,
      building: place ? r.building : null,
      unit: place ? r.unit : null,
      room: place ? r.room : null,
      phone: r.phones[0] && fields.visible('phones') ? maskPhone(r.phones[0]) : null,
      owedFen: num(r.owed),
      seasons: seasons.map((s) => ({ season: s.season, dueFen: num(s.dueFen), paidFen: num(s.paidFen), owedFen: num(s.owedFen), basis: s.basis })),
    };
  });
  return { items, nextCursor: rows.length > q.limit && last ? encodeKeysCursor([String(num(last.owed))], last.id) : null };
}

/** Totals of the arrears list's filter per season (newest first) and over all, with the read model's state. */
export async function arrearsSummary(db: DbOrTx, actor: Actor | null, q: ArrearsQuery, now: Date): Promise<ArrearsSummary> {
  requireAccess(actor, 'customer:read');
  const f = arrearsFilter(actor, q);
  const from = sql`from ${heatingArrears} a join ${customerDirectory} c on c.id = a.customer_id where ${f.season} and ${f.customers}`;
  const seasons = rowsOf<{ season: string; households: number; owed: string | number }>(
    await db.execute(sql`select a.season, a.season_year, count(*)::int as households, sum(a.owed_fen)::bigint as owed ${from} group by 1, 2 order by 2 desc`),
  );
  const [total] = rowsOf<{ households: number; owed: string | number | null }>(
    await db.execute(sql`select count(distinct a.customer_id)::int as households, sum(a.owed_fen)::bigint as owed ${from}`),
  );
  const { running, lastDone } = await arrearsRunState(db);
  return {
    seasons: seasons.map((s) => ({ season: s.season, households: num(s.households), owedFen: num(s.owed) })),
    total: { households: num(total?.households), owedFen: num(total?.owed) },
    dueSeason: seasonOf(await dueYearAt(db, now)),
    lastRun: lastDone ? runView(lastDone) : null,
    running: running ? runView(running) : null,
  };
}
