/**
 * The demo's content (演示内容), as scripts of the service history (activity.ts) played through the owning modules'
 * own services, so every menu page has something to show after a load:
 *
 * 1. `kb` — the knowledge base: the heating template's starter articles (seeded as on first use), the demo's
 *    categories and articles (content.data.ts: published public ones, an internal one, a draft), reads of the public
 *    answers page (`publicArticle`, each read counted) and agents' 插入回复 (`recordUse`, by account managers).
 * 2. `duplicate` — a handful of households registered twice (a counter registration with the same phone; a second
 *    record of the same flat under the same name with a new number), so 疑似重复 lists pairs to merge.
 * 3. `import` — one finished import in 最近的导入: a small CSV of a newly connected building's households, through
 *    the imports engine (`prepareFileImport`, `runImport`), with rows it rejects (a short phone number, no name, an
 *    area that is no number) and one household it already has (skipped).
 * 4. At the end, after every other script: `segments` (dynamic segments an operator keeps and a hand-kept list),
 *    `analytics` (analytics runs as of 30 days before and as of the as-of date: /analytics, the 360 band's value tier, CLV and churn risk),
 *    `refresh` (the dynamic segments refreshed, so they show their members), `goals` (the heating template's two
 *    goals and the operator's: NPS, CSAT, churn, SLA, first response, return visits, revenue, arrears — owned by
 *    the company, a team and a person; their progress is computed by the goals module when read), `training` (团队绩效's
 *    training notes on a few account managers).
 *
 * Determinism and resumability as loyalty.ts: the plan is pure in (seed, size, asOf); a script that writes in the
 * load's transaction writes with its checkpoint, so a replay never writes it twice; the others (`kb`'s seed, the
 * import, the analytics run, the refresh) run in their modules' own transactions before the checkpoint and find what
 * an interrupted attempt left: the seed is keyed, an unfinished import of the same file is resumed and a finished one
 * is not run again, an unfinished analytics run or refresh is executed to its end and a finished one is not repeated.
 *
 * The services take the database's clock for what they stamp (an article's or a goal's creation, an import job):
 * those show the day of the load. The customers this part adds carry the script's moment.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Actor } from '../../platform/auth/permissions.js';
import { loadConfig } from '../../platform/config.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { isEmbedded } from '../../platform/db/slice.js';
import { Random } from '../../platform/random.js';
import { actorOfUser } from '../accounts/index.js';
import { executeRun, listRuns, startRun, unfinishedRunIds } from '../analytics/index.js';
import { customerBulkLoad, phoneDigitsOf, searchTextOf, type CustomerBulkRow } from '../customers/index.js';
import { createGoal, ensureGoalSeed, goalMetric } from '../goals/index.js';
import { listImports, prepareFileImport, runImport } from '../imports/index.js';
import { addTrainingNote } from '../performance/index.js';
import { createArticle, createCategory, ensureKbSeed, listCategories, publicArticle, recordUse } from '../kb/index.js';
import { addMembers, createSegment, executeRefresh, listSegments, startRefresh, unfinishedRefreshIds } from '../segments/index.js';
import { DEMO_SEGMENTS, KB_ARTICLES, KB_CATEGORIES, STATIC_LIST, TRAINING_NOTES } from './content.data.js';
import { HEATING_PRICE_FEN_PER_M2 } from './data.js';
import { household, planDemo, type DemoParams, type DemoPlan } from './generator.js';
import { personName, permute, SPREAD } from './names.js';
import { MINUTE, HOUR, DAY, LOCAL } from './clock.js';


type Base = { kind: 'content'; at: Date };
export type ContentScript =
  | (Base & { step: 'kb' })
  | (Base & { step: 'duplicate'; k: number; household: number; how: 'phone' | 'name_address' })
  | (Base & { step: 'segments' })
  | (Base & { step: 'training' })
  // Played outside the load's transaction (playContentOutside, which is not given the plan): they carry its parameters.
  | (Base & { step: 'import' | 'analytics' | 'refresh'; params: DemoParams })
  | (Base & { step: 'goals' });

/** What the content scripts need of the load: its actor and the account manager of each household. */
export type ContentDeps = { actor: Actor; managerOf: (household: number) => string };

/** Households registered twice: a handful (4…12). */
export const duplicateVolume = (size: number) => Math.min(12, Math.max(4, Math.round(size / 2000)));

/** 10:00 Beijing of the day `days` before the horizon's day. */
const morningBefore = (horizon: number, days: number) => horizon - days * DAY + 10 * HOUR;

/** A moment in office hours (08:00–20:00 Beijing) of a day between `from` and `to`, before `to`. */
function officeMoment(r: Random, from: number, to: number): number {
  const at = from + r.next() * (to - from);
  const day = Math.floor((at + LOCAL) / DAY) * DAY - LOCAL;
  const t = day + 8 * HOUR + r.next() * 12 * HOUR;
  return t < to ? t : to - MINUTE;
}

/** A household that was a customer `lead` before `at` (else household 0). */
function householdBefore(plan: DemoPlan, r: Random, at: number, lead: number): number {
  for (let attempt = 0; attempt < 12; attempt++) {
    const i = r.int(0, plan.params.size - 1);
    if (household(plan, i).customer.createdAt.getTime() <= at - lead) return i;
  }
  return 0;
}

/**
 * Every content script of the demo (activity.ts sorts them with the others). The last four come after the as-of
 * day's start (the loyalty upkeep's moment), a millisecond apart, so they follow every other script in that order.
 */
export function planContent(plan: DemoPlan, horizon: number): ContentScript[] {
  const out: ContentScript[] = [{ kind: 'content', step: 'kb', at: new Date(morningBefore(horizon, 45)) }];
  for (let k = 0; k < duplicateVolume(plan.params.size); k++) {
    const r = Random.stream(plan.params.seed, 31, k);
    const at = officeMoment(r, horizon - 400 * DAY, horizon - DAY);
    out.push({ kind: 'content', step: 'duplicate', at: new Date(at), k, household: householdBefore(plan, r, at, 60 * DAY), how: k % 3 === 1 ? 'name_address' : 'phone' });
  }
  const params = { ...plan.params };
  out.push({ kind: 'content', step: 'import', at: new Date(morningBefore(horizon, 3)), params });
  out.push({ kind: 'content', step: 'segments', at: new Date(horizon + 1) });
  out.push({ kind: 'content', step: 'analytics', at: new Date(horizon + 2), params });
  out.push({ kind: 'content', step: 'refresh', at: new Date(horizon + 3), params });
  out.push({ kind: 'content', step: 'goals', at: new Date(horizon + 4) });
  out.push({ kind: 'content', step: 'training', at: new Date(horizon + 5) });
  return out;
}

/** The part of a script that runs on the database itself, in its module's own transactions, before the checkpoint. */
export async function playContentOutside(db: Db, script: ContentScript, deps: ContentDeps): Promise<void> {
  if (script.step === 'kb') await ensureKbSeed(db); // the starter articles first, as the page's first use would
  if (script.step === 'import') await playImport(db, planDemo(script.params), deps);
  if (script.step === 'analytics') await playAnalytics(db, script.params, deps);
  if (script.step === 'refresh') await playRefresh(db, script.params, deps);
}

/** Plays one content script in the caller's transaction (with the load's checkpoint). */
export async function playContent(tx: DbOrTx, plan: DemoPlan, script: ContentScript, deps: ContentDeps): Promise<void> {
  switch (script.step) {
    case 'kb':
      return knowledgeBase(tx, plan, deps);
    case 'duplicate':
      return duplicate(tx, plan, script, deps);
    case 'segments':
      return segments(tx, plan, deps);
    case 'goals':
      return goals(tx, plan, script, deps);
    case 'training':
      return training(tx, plan, deps);
    default:
      return; // import, analytics, refresh: playContentOutside
  }
}

async function managerActor(tx: DbOrTx, deps: ContentDeps, i: number): Promise<Actor> {
  const manager = await actorOfUser(tx, deps.managerOf(i));
  if (!manager) throw new Error(`demo manager ${deps.managerOf(i)} is not active`);
  return manager;
}

// ---- 知识库 ---------------------------------------------------------------------------------------------------------

/** The demo's categories (the template's found by name) and articles, read on the public page and used in replies. */
async function knowledgeBase(tx: DbOrTx, plan: DemoPlan, deps: ContentDeps): Promise<void> {
  const existing = (await listCategories(tx, deps.actor)).items;
  const ids = new Map<string, string>();
  for (const c of KB_CATEGORIES) {
    const parentId = c.parent ? ids.get(c.parent)! : null;
    const found = existing.find((e) => e.name === c.name && e.parentId === parentId);
    ids.set(c.key, found?.id ?? (await createCategory(tx, deps.actor, { name: c.name, nameEn: c.nameEn, parentId, sortOrder: c.sortOrder })).id);
  }
  const r = Random.stream(plan.params.seed, 32, 0);
  // The agents who put articles into their replies: the account managers of a few households.
  const agents: Actor[] = [];
  for (let k = 0; k < 4; k++) agents.push(await managerActor(tx, deps, (k * 101) % plan.params.size));
  for (const a of KB_ARTICLES) {
    const made = await createArticle(tx, deps.actor, {
      title: a.title,
      summary: a.summary,
      body: a.body,
      bodyFormat: 'markdown',
      categoryId: ids.get(a.category)!,
      tags: a.tags,
      status: a.status,
      isPublic: a.isPublic,
    });
    if (a.status !== 'published') continue;
    // Households reading it on the public answers page (each read counted by the kb module).
    const views = a.isPublic ? a.views * r.int(4, 12) : 0;
    for (let v = 0; v < views; v++) await publicArticle(tx, made.id);
    // Account managers putting it into their replies (插入回复, audited as theirs).
    const uses = Math.round(a.uses * (0.5 + r.next()));
    for (let u = 0; u < uses; u++) await recordUse(tx, r.pick(agents), made.id);
  }
}

// ---- 疑似重复 -------------------------------------------------------------------------------------------------------

/** A unique mobile number of a prefix the households never get (the loyalty referees have 166, the import 173). */
const spareMobile = (prefix: string, plan: DemoPlan, k: number) => `+86${prefix}${String(permute(k + 1, SPREAD, plan.params.seed % 1_000_003, 100_000_000)).padStart(8, '0')}`;

/**
 * A household registered a second time: at the counter with the same name and phone but only its building (a phone
 * pair), or online under the same name for the same flat with a new number (a name-and-address pair).
 */
async function duplicate(tx: DbOrTx, plan: DemoPlan, s: Extract<ContentScript, { step: 'duplicate' }>, deps: ContentDeps): Promise<void> {
  const c = household(plan, s.household).customer;
  const r = Random.stream(plan.params.seed, 33, s.k);
  const manager = await managerActor(tx, deps, s.household);
  const counter = s.how === 'phone';
  const phones = counter ? [`+86${c.phones[0]}`] : [spareMobile('176', plan, s.k)];
  const address = {
    province: c.province,
    city: c.city,
    district: c.district,
    street: counter ? null : c.street,
    compound: c.compound,
    building: c.building,
    unit: counter ? null : c.unit,
    room: counter ? null : c.room,
  };
  const row: CustomerBulkRow = {
    id: r.uuid(),
    kind: 'person',
    name: c.name,
    phones,
    email: null,
    gender: c.gender,
    ...address,
    tags: [],
    preferences: { contactChannel: counter ? 'phone' : 'wechat' },
    custom: counter ? {} : { heated_area: c.custom.heated_area },
    source: counter ? '营业厅' : '线上办理',
    stage: 'new',
    ownerId: manager.userId,
    teamId: manager.teamId,
    consent: { phone: true, sms: !counter, email: false, wechat: !counter },
    externalId: null,
    searchText: searchTextOf({ name: c.name, email: null, ...address }),
    phoneDigits: phoneDigitsOf(phones),
    createdBy: manager.userId,
    createdAt: s.at,
    updatedAt: s.at,
  };
  await customerBulkLoad.insert(tx, [row]);
}

// ---- 导入 ------------------------------------------------------------------------------------------------------------

const IMPORT_HEADERS = ['户号', '户主', '性别', '联系电话', '省份', '城市', '区县', '街道', '小区', '楼栋', '单元', '房号', '供暖面积', '标签', '来源'] as const;
const IMPORT_MAPPING: Record<(typeof IMPORT_HEADERS)[number], string> = {
  户号: 'externalId',
  户主: 'name',
  性别: 'gender',
  联系电话: 'phones',
  省份: 'province',
  城市: 'city',
  区县: 'district',
  街道: 'street',
  小区: 'compound',
  楼栋: 'building',
  单元: 'unit',
  房号: 'room',
  供暖面积: 'custom.heated_area',
  标签: 'tags',
  来源: 'source',
};
/** New households in the file, and where its faulty rows sit (data rows, 0-based). */
const IMPORT_NEW = 12;
const IMPORT_FAULTS: Record<number, 'phone' | 'name' | 'area' | 'known'> = { 3: 'phone', 7: 'name', 10: 'area', 13: 'known' };

export const importFileName = (plan: DemoPlan) => `${plan.params.asOf.slice(0, 4)}年新接网住户名单.csv`;

/**
 * The file: households of a newly connected building of the newest compound, as the developer hands them over, with
 * a short phone number, a row without a name, an area written as text (each rejected with its reason) and a household
 * the company already has (skipped).
 */
export function importFile(plan: DemoPlan): string {
  const compound = plan.compounds.at(-1)!;
  const known = household(plan, compound.start).customer;
  const building = `${compound.buildings + 1}号楼`;
  const yy = plan.params.asOf.slice(2, 4);
  const lines: string[][] = [];
  let made = 0;
  for (let row = 0; made < IMPORT_NEW || IMPORT_FAULTS[row] !== undefined; row++) {
    const fault = IMPORT_FAULTS[row];
    const r = Random.stream(plan.params.seed, 34, row);
    const male = r.chance(0.5);
    const floor = 2 + (row % 16);
    const cells: Record<(typeof IMPORT_HEADERS)[number], string> = {
      户号: `XJ${yy}${String(row + 1).padStart(4, '0')}`,
      户主: personName(r, male),
      性别: male ? '男' : '女',
      联系电话: spareMobile('173', plan, row).slice(3),
      省份: '黑龙江省',
      城市: '哈尔滨市',
      区县: compound.district,
      街道: compound.street,
      小区: compound.name,
      楼栋: building,
      单元: `${1 + (row % Math.max(1, compound.units))}单元`,
      房号: `${floor}0${1 + (row % 2)}`,
      供暖面积: String(Math.round(60 + r.next() * 70)),
      标签: '新接网',
      来源: '开发商移交',
    };
    if (fault === 'phone') cells.联系电话 = cells.联系电话.slice(0, 10); // a digit short
    if (fault === 'name') cells.户主 = '';
    if (fault === 'area') cells.供暖面积 = `约${cells.供暖面积}平`;
    if (fault === 'known') Object.assign(cells, { 户号: '', 户主: known.name, 联系电话: known.phones[0]!, 楼栋: known.building, 单元: known.unit, 房号: known.room, 标签: '' });
    if (!fault) made++;
    lines.push(IMPORT_HEADERS.map((h) => cells[h]));
  }
  return `\uFEFF${[IMPORT_HEADERS.join(','), ...lines.map((l) => l.join(','))].join('\r\n')}\r\n`;
}

/** The import through the imports engine, once: a finished one is left alone, an unfinished one resumed. */
async function playImport(db: Db, plan: DemoPlan, deps: ContentDeps): Promise<void> {
  const fileName = importFileName(plan);
  const earlier = (await listImports(db, deps.actor, 100)).find((j) => j.kind === 'customers' && j.fileName === fileName);
  if (earlier?.status === 'done') return;
  // The engine keeps its own copy of the file (config.dataDir/imports) until the job ends: a directory of this load's
  // own, so a resumed job still finds it.
  const key = createHash('sha256').update(JSON.stringify(plan.params)).digest('hex').slice(0, 16);
  const dir = path.join(tmpdir(), `hearth-demo-import-${key}`);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, fileName);
  await writeFile(file, importFile(plan));
  const { id } = await prepareFileImport(db, { ...loadConfig({}), dataDir: dir }, deps.actor, {
    kind: 'customers',
    filePath: file,
    mapping: IMPORT_MAPPING,
    options: { onDuplicate: 'skip' },
  });
  const ended = await runImport(db, id, { fallbackActor: deps.actor, resolveActor: (userId) => actorOfUser(db, userId) });
  if (ended?.status !== 'done') throw new Error(`demo import ${fileName} ${ended?.status ?? 'missing'}: ${ended?.error ?? ''}`);
  await rm(dir, { recursive: true, force: true });
}

// ---- 价值分析 -------------------------------------------------------------------------------------------------------

/** Days between the demo's two analytics runs: the page compares them (tier movements, churn risk then and now). */
export const ANALYTICS_EARLIER_DAYS = 30;

/**
 * Two analytics runs, as of 30 days before the as-of date and as of that date (the latest is the current one), so that
 * the analytics page has two runs to compare: an unfinished run is finished first; a finished one for a date is enough.
 */
async function playAnalytics(db: Db, params: DemoParams, deps: ContentDeps): Promise<void> {
  const databaseKind = isEmbedded(db) ? 'pglite' : 'postgres';
  for (const id of await unfinishedRunIds(db)) await executeRun(db, id, { databaseKind });
  const earlier = new Date(Date.parse(`${params.asOf}T00:00:00Z`) - ANALYTICS_EARLIER_DAYS * 86_400_000).toISOString().slice(0, 10);
  for (const asOf of [earlier, params.asOf]) {
    if ((await listRuns(db, deps.actor, 20)).some((r) => r.asOf === asOf && r.status === 'done')) continue;
    const run = await startRun(db, deps.actor, { kind: deps.actor.userId ? 'manual' : 'cli', asOf });
    const done = await executeRun(db, run!.id, { databaseKind });
    if (done.status !== 'done') throw new Error(`demo analytics run ${done.status}: ${done.error ?? ''}`);
  }
}

// ---- 客户细分 -------------------------------------------------------------------------------------------------------

/** The dynamic segments (refreshed by the `refresh` script) and the hand-kept list with its households. */
async function segments(tx: DbOrTx, plan: DemoPlan, deps: ContentDeps): Promise<void> {
  for (const s of DEMO_SEGMENTS) await createSegment(tx, deps.actor, { name: s.name, description: s.description, kind: 'dynamic', rule: s.rule });
  const list = await createSegment(tx, deps.actor, { name: STATIC_LIST.name, description: STATIC_LIST.description, kind: 'static' });
  const picked: string[] = [];
  for (let i = 0; i < plan.params.size && picked.length < STATIC_LIST.size; i++) {
    const c = household(plan, i).customer;
    if (c.stage !== 'churned' && (c.tags.includes('独居老人') || c.tags.includes('低保户'))) picked.push(c.id);
  }
  if (picked.length) await addMembers(tx, deps.actor, list.id, picked);
}

/** Every dynamic segment refreshed once (an unfinished refresh finished first), unless the demo's are refreshed already. */
async function playRefresh(db: Db, params: DemoParams, deps: ContentDeps): Promise<void> {
  for (const id of await unfinishedRefreshIds(db)) await executeRefresh(db, id);
  const names = new Set(DEMO_SEGMENTS.map((s) => s.name));
  const mine = (await listSegments(db, deps.actor, { kind: 'dynamic', deleted: 'exclude', limit: 100 })).items.filter((s) => names.has(s.name));
  if (mine.length && mine.every((s) => s.refreshedAt !== null)) return;
  const run = await startRefresh(db, deps.actor, { kind: deps.actor.userId ? 'manual' : 'cli', asOf: params.asOf });
  const done = await executeRefresh(db, run!.id);
  if (done.status !== 'done') throw new Error(`demo segment refresh ${done.status}: ${done.error ?? ''}`);
}

// ---- 目标 -----------------------------------------------------------------------------------------------------------

/** The heating template's two goals, and the operator's own for the company, a team and a person. */
async function goals(tx: DbOrTx, plan: DemoPlan, s: Extract<ContentScript, { step: 'goals' }>, deps: ContentDeps): Promise<void> {
  await ensureGoalSeed(tx, s.at);
  const day = plan.params.asOf;
  // A team: the account-manager group of the first household; a person: the manager of a household in another group.
  const first = await managerActor(tx, deps, 0);
  let person = first;
  for (let i = 1; i < plan.params.size && person.teamId === first.teamId; i += 97) person = await managerActor(tx, deps, i);
  const arrears = (await goalMetric('segments.size')?.param?.options(tx, deps.actor))?.find((o) => o.label === DEMO_SEGMENTS[0]!.name)?.value;
  // The heating fees of a season: about 90 m² a household at the season's price, nine in ten households paying.
  const revenue = Math.round((plan.params.size * 0.9 * 90 * HEATING_PRICE_FEN_PER_M2) / 1_000_000) * 1_000_000;
  const company = { ownerKind: 'company' as const };
  const list = [
    { name: '净推荐值（NPS）达到 30', description: '全年满意度调查的净推荐值不低于 30', metric: 'surveys.nps', targetValue: 30, periodKind: 'year' as const, ...company },
    { name: '客户满意度不低于 90%', description: '本季度满意度调查中"满意""非常满意"的比例', metric: 'surveys.csat', targetValue: 90, periodKind: 'quarter' as const, ...company },
    { name: '年度流失率控制在 5% 以内', description: '上一供暖期缴费的住户中本年未再缴费的比例', metric: 'analytics.churn_rate', targetValue: 5, periodKind: 'year' as const, ...company },
    { name: '全年热费收入', description: '本年实收热费与增值服务收入（元）', metric: 'transactions.revenue', targetValue: revenue, periodKind: 'year' as const, ...company },
    { name: '本月工单解决时效达标率 95%', description: '班组工单按时解决（SLA）的比例', metric: 'tickets.sla_compliance', targetValue: 95, periodKind: 'month' as const, ownerKind: 'team' as const, ownerId: first.teamId ?? undefined },
    { name: '维修后回访按时完成率 90%', description: '班组本月到期的回访任务按时完成的比例', metric: 'interactions.return_visits_on_time', targetValue: 90, periodKind: 'month' as const, ownerKind: 'team' as const, ownerId: person.teamId ?? undefined },
    { name: '首次响应中位时长不超过 2 小时', description: '本人负责工单的首次答复时长中位数', metric: 'tickets.first_response_median', targetValue: 2, periodKind: 'month' as const, ownerKind: 'user' as const, ownerId: person.userId ?? undefined },
    ...(arrears
      ? [{ name: '欠费住户压降到 1% 以内', description: '月末"欠费住户"细分的人数', metric: 'segments.size', metricParam: arrears, targetValue: Math.max(1, Math.round(plan.params.size / 100)), periodKind: 'month' as const, ...company }]
      : []),
  ];
  for (const g of list) await createGoal(tx, deps.actor, { targetKind: 'value', periodStart: day, ...g }, s.at);
}

// ---- 团队绩效 -------------------------------------------------------------------------------------------------------

/** Training notes on a few account managers (the performance page's 培训记录), one each. */
async function training(tx: DbOrTx, plan: DemoPlan, deps: ContentDeps): Promise<void> {
  const managers = new Set<string>();
  for (let i = 0; i < plan.params.size && managers.size < TRAINING_NOTES.length; i += 37) managers.add(deps.managerOf(i));
  for (const [k, userId] of [...managers].entries()) await addTrainingNote(tx, deps.actor, { userId, note: TRAINING_NOTES[k]! });
}
