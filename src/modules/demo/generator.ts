/**
 * The heating-utility demo (供热企业): a deterministic, seeded model of N households in Harbin's compounds over the
 * last ten heating seasons. Pure functions: no database, no clock — the same (seed, size, asOf) always yields the
 * same rows, which `fingerprint()` reduces to one SHA-256.
 *
 * The model:
 * - Compounds (小区) of 4–16 buildings × 2–4 units × 6–18 floors × 2 flats, filled flat by flat; 70 % were in
 *   service before the first season, the rest opened later (new estates), and their households join then.
 * - Contractual churn, the sBG story: each household has a yearly non-renewal probability θ ~ Beta(0.9, 20) (mean 4.3 %);
 *   after each season it stops heating (报停) with probability θ and pays no more.
 * - The heating fee: one payment per season, floor area × ¥41.60, mostly between 15 August and 30 November, some
 *   late; a season whose payment falls after `asOf` is still unpaid (欠费 once the 30 November deadline has passed).
 * - Service purchases (repairs, valves, flushing …) follow BG/NBD while the household is connected: a yearly
 *   purchase rate λ ~ Gamma(0.6, 1.2) and, after each purchase, a drop-out probability p ~ Beta(0.7, 2.8).
 * - Contact history (沟通记录) and tasks over the last two years: a repair starts with the household's call and is followed by a 回访 three
 *   days later (a done task with its call, or an open one still due); late payers get an SMS reminder; a 报停 gets a
 *   call asking why, and a recent one an open 挽回 task for the account manager.
 * - People: surnames by census frequency, gendered given names, unique mobile numbers, resident ID numbers (GB 11643,
 *   with a valid check digit, unique) for 70 %, birthdays, e-mail for 20 %, consent flags and contact preferences.
 */
import { createHash } from 'node:crypto';
import { Random, mix32 } from '../../platform/random.js';
import { DISTRICTS, EMAIL_DOMAINS, HEATING_PRICE_FEN_PER_M2, MOBILE_PREFIXES, PAYMENT_CHANNELS, PRODUCTS, SOURCES, STREETS, TAGS } from './data.js';
import { SPREAD, chineseNumber, compoundName, cumulative, idCheckDigit, permute, personName } from './names.js';

/**
 * Bump when the generated data changes shape or distribution: a stored fingerprint then no longer matches. (3: the
 * loyalty scripts joined the played history; a load interrupted under 2 must not resume at a shifted script index. 4: the
 * payment reminders say 供暖季, the product's one word for the heating season. 5: the history
 * plays the knowledge base, duplicates, an import, segments, an analytics run and goals (content.ts), surveys and
 * campaigns (outreach.ts) and the administrator's desk (desk.ts): script indexes moved. 6: the desk adds two personal-
 * information requests, one answered and one open.)
 */
export const GENERATOR_VERSION = 6;
export const SEASONS = 10;
/** How far back the generated contact history (calls, reminders, return visits) goes. */
const HISTORY_DAYS = 730;
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Beijing time is UTC+8: a local hour h is UTC h − 8. */
const LOCAL = -8 * HOUR;

export type DemoParams = { seed: number; size: number; asOf: string };

export type Compound = {
  name: string;
  district: string;
  districtCode: string;
  street: string;
  buildings: number;
  units: number;
  floors: number;
  flatsPerFloor: number;
  /** Index of its first household; households fill compounds in order. */
  start: number;
  capacity: number;
  /** Season index (0 = the first of the ten) when the compound was connected. */
  openSeason: number;
  manager: number;
};

export type DemoPlan = {
  params: DemoParams;
  /** Start years of the ten seasons, oldest first (2017 = the 2017-2018 season). */
  seasons: number[];
  asOfEnd: number;
  compounds: Compound[];
  managers: { username: string; name: string; group: number }[];
  groups: string[];
};

export type DemoCustomer = {
  id: string;
  externalId: string;
  name: string;
  gender: 'male' | 'female';
  birthday: string | null;
  idType: 'resident' | null;
  idNumber: string | null;
  phones: string[];
  email: string | null;
  province: string;
  city: string;
  district: string;
  street: string;
  compound: string;
  building: string;
  unit: string;
  room: string;
  tags: string[];
  stage: 'new' | 'active' | 'loyal' | 'at_risk' | 'churned';
  source: string;
  consent: { phone: boolean; sms: boolean; email: boolean; wechat: boolean };
  preferences: { contactChannel: 'phone' | 'sms' | 'wechat' };
  custom: { heated_area: number };
  manager: number;
  createdAt: Date;
  updatedAt: Date;
};

export type DemoTransaction = {
  id: string;
  customerId: string;
  occurredAt: Date;
  type: 'payment' | 'purchase';
  amountFen: number;
  channel: string;
  externalId: string;
  heatingSeason: string | null;
  billedAreaM2: number | null;
  /** Service purchases: the catalogue code of their one line. */
  product: string | null;
  lineId: string | null;
};

export type DemoInteraction = {
  id: string;
  customerId: string;
  channel: 'call' | 'sms' | 'visit';
  direction: 'inbound' | 'outbound';
  occurredAt: Date;
  summary: string;
  outcome: string | null;
  transactionId: string | null;
};

export type DemoTask = {
  id: string;
  customerId: string;
  type: 'return_visit' | 'win_back';
  title: string;
  dueAt: Date;
  status: 'open' | 'done';
  result: string | null;
  /** The interaction that recorded a done task's outcome. */
  interactionId: string | null;
};

export type Household = { customer: DemoCustomer; transactions: DemoTransaction[]; interactions: DemoInteraction[]; tasks: DemoTask[] };

const DISTRICT_CUM = cumulative(DISTRICTS.map((d) => d.weight));
const SERVICES = PRODUCTS.filter((p) => p.weight > 0);
const SERVICE_CUM = cumulative(SERVICES.map((p) => p.weight));
const FLOORS = [6, 6, 7, 11, 18];
const REPAIR_REASONS: Record<string, string> = {
  'SVC-REPAIR': '暖气不热，请求上门检查',
  'SVC-VALVE': '阀门漏水',
  'SVC-FLUSH': '暖气片上热下凉，需要清洗',
  'SVC-PIPE': '管道有异响',
  'SVC-THERMO': '咨询加装温控器',
};
const VISIT_OUTCOMES = ['已修好，室温正常', '已修好，客户满意', '基本解决，客户要求再观察几天', '问题仍在，已再次派单'];
const STOP_REASONS = ['房屋出售', '长期外出不住', '改用自供暖', '对供热效果不满意', '房屋空置出租未成'];

/** Largest size the unique-number schemes (`permute` in names.ts, used below) support. */
export const MAX_SIZE = 5_000_000;

export function planDemo(params: DemoParams): DemoPlan {
  const { seed, size } = params;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) throw new RangeError(`size must be 1…${MAX_SIZE}`);
  const asOf = new Date(`${params.asOf}T00:00:00Z`);
  if (Number.isNaN(asOf.getTime())) throw new RangeError('asOf must be a date (YYYY-MM-DD)');
  // The end of asOf in Beijing time; a season "starts" for payment on 15 August.
  const asOfEnd = asOf.getTime() + DAY + LOCAL;
  const y = asOf.getUTCFullYear();
  const current = asOf.getTime() >= Date.UTC(y, 7, 15) ? y : y - 1;
  const seasons = Array.from({ length: SEASONS }, (_, k) => current - SEASONS + 1 + k);

  const r = Random.stream(seed, 1, 0);
  const managerCount = Math.min(200, Math.max(3, Math.ceil(size / 5000)));
  const groupCount = Math.max(1, Math.ceil(managerCount / 10));
  const groups = Array.from({ length: groupCount }, (_, g) => `客户经理${chineseNumber(g + 1)}组`);
  const managers = Array.from({ length: managerCount }, (_, m) => ({
    username: `demo.manager${String(m + 1).padStart(3, '0')}`,
    name: personName(r, r.chance(0.5)),
    group: m % groupCount,
  }));
  const compounds: Compound[] = [];
  for (let start = 0, c = 0; start < size; c++) {
    const district = DISTRICTS[r.weighted(DISTRICT_CUM)]!;
    const buildings = r.int(4, 16);
    const units = r.int(2, 4);
    const floors = r.pick(FLOORS);
    const flatsPerFloor = 2;
    const capacity = buildings * units * floors * flatsPerFloor;
    compounds.push({
      name: compoundName(c),
      district: district.name,
      districtCode: district.code,
      street: r.pick(STREETS),
      buildings,
      units,
      floors,
      flatsPerFloor,
      start,
      capacity,
      openSeason: r.chance(0.7) ? 0 : r.int(1, SEASONS - 1),
      manager: c % managerCount,
    });
    start += capacity;
  }
  return { params, seasons, asOfEnd, compounds, managers, groups };
}

function compoundOf(plan: DemoPlan, i: number): Compound {
  const list = plan.compounds;
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid]!.start <= i) lo = mid;
    else hi = mid - 1;
  }
  return list[lo]!;
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Where the i-th household lives in its compound: flats fill building by building, unit by unit, floor by floor. */
function flatOf(c: Compound, i: number): { building: number; unit: number; floor: number; flat: number } {
  const offset = i - c.start;
  const perUnit = c.floors * c.flatsPerFloor;
  const perBuilding = c.units * perUnit;
  return {
    building: Math.floor(offset / perBuilding) + 1,
    unit: Math.floor((offset % perBuilding) / perUnit) + 1,
    floor: Math.floor((offset % perUnit) / c.flatsPerFloor) + 1,
    flat: (offset % c.flatsPerFloor) + 1,
  };
}

type Person = {
  id: string;
  male: boolean;
  /** YYYY-MM-DD */
  birth: string;
  asOfYear: number;
  idNumber: string | null;
  phones: string[];
  email: string | null;
  name: string;
  area: number;
};

/**
 * The person: id, birth date, resident ID number, phones, e-mail, name and heated area.
 * Draws from r, in order: the id, whether an ID number is on file, a second phone, an e-mail (and its domain), the
 * name, the area.
 */
function person(plan: DemoPlan, r: Random, i: number, c: Compound): Person {
  const { seed } = plan.params;
  const id = r.uuid();

  // Birth date and ID sequence from a bijection of i: (date, sequence) pairs, hence ID numbers, never repeat.
  const birthDays = 60 * 365;
  const k = permute(i, SPREAD, mix32(seed, 11) >>> 0, birthDays * 1000);
  const seq = k % 1000;
  const male = seq % 2 === 1;
  const asOfYear = new Date(plan.asOfEnd).getUTCFullYear();
  const born = Date.UTC(asOfYear - 85, 0, 1) + Math.floor(k / 1000) * DAY;
  const birth = iso(born);
  const hasId = r.chance(0.7);
  const idFirst = c.districtCode + birth.replaceAll('-', '') + String(seq).padStart(3, '0');
  const idNumber = hasId ? idFirst + idCheckDigit(idFirst) : null;

  const phoneOf = (n: number) => MOBILE_PREFIXES[n % MOBILE_PREFIXES.length]! + String(permute(n, SPREAD, mix32(seed, 12) >>> 0, 100_000_000)).padStart(8, '0');
  const phones = [phoneOf(i)];
  if (r.chance(0.05)) phones.push(phoneOf(i + 50_000_000));
  const email = r.chance(0.2) ? `${100_000 + permute(i, SPREAD, mix32(seed, 13) >>> 0, 900_000_000)}@${r.pick(EMAIL_DOMAINS)}` : null;
  const name = personName(r, male);
  const area = Math.min(260, Math.max(35, Math.round(Math.exp(Math.log(82) + 0.3 * r.normal()) * 10) / 10));
  return { id, male, birth, asOfYear, idNumber, phones, email, name, area };
}

type Contract = {
  /** Season index the household joined. */
  join: number;
  joinAt: number;
  /** When it stopped heating (报停), if it did. */
  churnAt: number | null;
  paidSeasons: number;
  paidCurrent: boolean;
  /** One heating-fee payment per paid season, oldest first. */
  payments: DemoTransaction[];
};

/**
 * The heating contract: join season, yearly non-renewal probability θ, lateness, then season by season either a
 * 报停 or the season's payment (unpaid when it would fall after asOf).
 * Draws from r, in order: the join season, θ, lateness, the join time; per season: the 报停 roll (and its date), the
 * payment day and time, and for a paid season its channel and id.
 */
function heatingContract(plan: DemoPlan, r: Random, i: number, c: Compound, id: string, area: number): Contract {
  const join = r.chance(0.9) ? c.openSeason : Math.min(SEASONS - 1, c.openSeason + r.int(1, SEASONS - 1));
  const theta = r.beta(0.9, 20);
  const late = r.beta(1.2, 8);
  const payments: DemoTransaction[] = [];
  const joinAt = Date.UTC(plan.seasons[join]!, 7, 1) + r.int(0, 13) * DAY + r.int(9, 16) * HOUR + LOCAL;
  let churnAt: number | null = null;
  let paidSeasons = 0;
  let paidCurrent = false;
  for (let s = join; s < SEASONS; s++) {
    const year = plan.seasons[s]!;
    if (s > join && r.chance(theta)) {
      churnAt = Date.UTC(year, 8, 1) + r.int(0, 45) * DAY + r.int(9, 16) * HOUR + LOCAL;
      break;
    }
    const roll = r.next();
    const day = roll < late ? r.int(108, 170) : roll < late + 0.35 ? r.int(61, 107) : r.int(0, 60);
    const at = Date.UTC(year, 7, 15) + day * DAY + r.int(8, 19) * HOUR + r.int(0, 3599) * 1000 + LOCAL;
    if (at > plan.asOfEnd) continue;
    paidSeasons++;
    if (s === SEASONS - 1) paidCurrent = true;
    const era = s / (SEASONS - 1);
    const channel = PAYMENT_CHANNELS[r.weighted(cumulative([(1 - era) * 40 + 10, 20, era * 50 + 5, era * 20 + 3, 10]))]!;
    payments.push({
      id: r.uuid(),
      customerId: id,
      occurredAt: new Date(at),
      type: 'payment',
      amountFen: Math.round(area * HEATING_PRICE_FEN_PER_M2),
      channel,
      externalId: `JF${year}${String(i + 1).padStart(8, '0')}`,
      heatingSeason: `${year}-${year + 1}`,
      billedAreaM2: area,
      product: null,
      lineId: null,
    });
  }
  return { join, joinAt, churnAt, paidSeasons, paidCurrent, payments };
}

/**
 * Service purchases: BG/NBD while connected (from joining until the 报停 or asOf).
 * Draws from r, in order: λ, the drop-out p; per purchase: the gap, the product, the price, the time, the two ids,
 * then the drop-out roll.
 */
function servicePurchases(plan: DemoPlan, r: Random, i: number, id: string, contract: Contract): DemoTransaction[] {
  const purchases: DemoTransaction[] = [];
  const lambda = r.gamma(0.6, 1.2);
  const dropout = r.beta(0.7, 2.8);
  const end = Math.min(contract.churnAt ?? plan.asOfEnd, plan.asOfEnd);
  let n = 0;
  for (let t = contract.joinAt; ; ) {
    t += r.exponential(lambda) * 365.25 * DAY;
    if (t > end) break;
    const product = SERVICES[r.weighted(SERVICE_CUM)]!;
    const amountFen = Math.max(2000, Math.round((product.priceFen * Math.exp(0.25 * r.normal())) / 100) * 100);
    const localDay = Math.floor((t - LOCAL) / DAY) * DAY;
    purchases.push({
      id: r.uuid(),
      customerId: id,
      occurredAt: new Date(localDay + r.int(9, 17) * HOUR + r.int(0, 3599) * 1000 + LOCAL),
      type: 'purchase',
      amountFen,
      channel: '上门服务',
      externalId: `FW${String(i + 1).padStart(8, '0')}-${++n}`,
      heatingSeason: null,
      billedAreaM2: null,
      product: product.code,
      lineId: r.uuid(),
    });
    if (r.chance(dropout)) break;
  }
  return purchases;
}

type Contacts = { interactions: DemoInteraction[]; tasks: DemoTask[] };

/**
 * A repair: the household's call, then a return visit (回访) three days later — done, with its call, or still open.
 * Draws from r, in order: the call's time and id, whether the visit is done; if so its id, time and outcome; the
 * task's id.
 */
function repairContacts(plan: DemoPlan, r: Random, id: string, t: DemoTransaction, out: Contacts): void {
  const call = t.occurredAt.getTime() - r.int(2, 40) * HOUR;
  out.interactions.push({
    id: r.uuid(),
    customerId: id,
    channel: 'call',
    direction: 'inbound',
    occurredAt: new Date(call),
    summary: `来电报修：${REPAIR_REASONS[t.product!]!}`,
    outcome: '已派维修班组上门',
    transactionId: t.id,
  });
  const due = t.occurredAt.getTime() + 3 * DAY;
  const done = due + r.int(0, 2) * DAY <= plan.asOfEnd;
  const visit: DemoInteraction | null = done
    ? {
        id: r.uuid(),
        customerId: id,
        channel: 'call',
        direction: 'outbound',
        occurredAt: new Date(due + r.int(0, 8) * HOUR),
        summary: '维修回访',
        outcome: r.pick(VISIT_OUTCOMES),
        transactionId: t.id,
      }
    : null;
  if (visit) out.interactions.push(visit);
  out.tasks.push({
    id: r.uuid(),
    customerId: id,
    type: 'return_visit',
    title: '维修后回访',
    dueAt: new Date(due),
    status: visit ? 'done' : 'open',
    result: visit?.outcome ?? null,
    interactionId: visit?.id ?? null,
  });
}

/**
 * A 报停: a call asking why (when it falls within the history and by asOf), and a win-back task (挽回) when recent.
 * Draws from r, in order: the call's day; if recorded, its id and reason; if recent, the task's id.
 */
function stopContacts(plan: DemoPlan, r: Random, id: string, churnAt: number, since: number, out: Contacts): void {
  const call = churnAt + r.int(2, 10) * DAY;
  if (call <= plan.asOfEnd && call >= since) {
    out.interactions.push({
      id: r.uuid(),
      customerId: id,
      channel: 'call',
      direction: 'outbound',
      occurredAt: new Date(call),
      summary: '报停回访：了解报停原因',
      outcome: r.pick(STOP_REASONS),
      transactionId: null,
    });
  }
  if (churnAt > plan.asOfEnd - 120 * DAY) {
    out.tasks.push({
      id: r.uuid(),
      customerId: id,
      type: 'win_back',
      title: '报停用户挽回',
      dueAt: new Date(Math.max(churnAt + 30 * DAY, plan.asOfEnd + 7 * DAY)),
      status: 'open',
      result: null,
      interactionId: null,
    });
  }
}

/**
 * The contact history: each repair began with the household's call and ends with a return visit (回访) three days
 * later — done, or still open when it falls due after asOf; late payers got an SMS reminder on 1 December; a
 * disconnection (报停) was followed by a call asking why, and a recent one leaves a win-back task (挽回).
 * Only the last two years: what an agent scrolls through, and what keeps the demo loading in under a minute.
 * Draws from r, in order: per transaction (in time order) its repair contacts or reminder id, then the 报停's.
 */
function contactHistory(plan: DemoPlan, r: Random, id: string, transactions: DemoTransaction[], churnAt: number | null): Contacts {
  const out: Contacts = { interactions: [], tasks: [] };
  const since = plan.asOfEnd - HISTORY_DAYS * DAY;
  for (const t of transactions) {
    if (t.occurredAt.getTime() < since) continue;
    if (t.type === 'purchase') {
      repairContacts(plan, r, id, t, out);
    } else if (t.heatingSeason && t.occurredAt.getTime() > Date.UTC(Number(t.heatingSeason.slice(0, 4)), 11, 1) + LOCAL) {
      out.interactions.push({
        id: r.uuid(),
        customerId: id,
        channel: 'sms',
        direction: 'outbound',
        occurredAt: new Date(Date.UTC(Number(t.heatingSeason.slice(0, 4)), 11, 1) + 10 * HOUR + LOCAL),
        summary: `缴费提醒：${t.heatingSeason} 供暖季采暖费尚未缴纳`,
        outcome: null,
        transactionId: null,
      });
    }
  }
  if (churnAt !== null) stopContacts(plan, r, id, churnAt, since, out);
  out.interactions.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return out;
}

/**
 * The customer record: tags and lifecycle stage from the contract, then the row itself.
 * Draws from r, in order: the low-income tag, the elderly tag (75+ only), a birthday on file (no ID number only),
 * the source (unless an original household), the consents (phone, SMS, e-mail when there is one, WeChat), the
 * preferred channel.
 */
function customerRecord(plan: DemoPlan, r: Random, i: number, c: Compound, p: Person, contract: Contract, transactions: DemoTransaction[]): DemoCustomer {
  const { join, joinAt, churnAt, paidSeasons, paidCurrent } = contract;
  const currentYear = plan.seasons[SEASONS - 1]!;
  const pastDeadline = plan.asOfEnd > Date.UTC(currentYear, 10, 30) + DAY + LOCAL;
  const age = p.asOfYear - Number(p.birth.slice(0, 4));
  const tags: string[] = [];
  if (r.chance(0.03)) tags.push(TAGS.lowIncome);
  if (age >= 75 && r.chance(0.3)) tags.push(TAGS.elderly);
  if (p.area >= 140) tags.push(TAGS.largeHome);
  let stage: DemoCustomer['stage'];
  if (churnAt !== null) {
    stage = 'churned';
    tags.push(TAGS.stopped);
  } else if (!paidCurrent && pastDeadline) {
    stage = 'at_risk';
    tags.push(TAGS.arrears);
  } else if (join === SEASONS - 1) stage = 'new';
  else stage = paidSeasons >= 8 ? 'loyal' : 'active';

  const { building, unit, floor, flat } = flatOf(c, i);
  const last = transactions.at(-1)?.occurredAt.getTime() ?? joinAt;
  return {
    id: p.id,
    externalId: `HR${String(i + 1).padStart(8, '0')}`,
    name: p.name,
    gender: p.male ? 'male' : 'female',
    birthday: p.idNumber || r.chance(0.7) ? p.birth : null,
    idType: p.idNumber ? 'resident' : null,
    idNumber: p.idNumber,
    phones: p.phones,
    email: p.email,
    province: '黑龙江省',
    city: '哈尔滨市',
    district: c.district,
    street: c.street,
    compound: c.name,
    building: `${building}号楼`,
    unit: `${unit}单元`,
    room: `${floor}${String(flat).padStart(2, '0')}`,
    tags,
    stage,
    source: c.openSeason === 0 && join === 0 ? SOURCES[0]! : r.pick(SOURCES),
    consent: { phone: r.chance(0.95), sms: r.chance(0.85), email: p.email !== null && r.chance(0.6), wechat: r.chance(0.6) },
    preferences: { contactChannel: r.pick(['phone', 'phone', 'sms', 'wechat'] as const) },
    custom: { heated_area: p.area },
    manager: c.manager,
    createdAt: new Date(joinAt),
    updatedAt: new Date(Math.max(joinAt, churnAt ?? 0, last)),
  };
}

/**
 * The i-th household (0-based) with its payments, purchases and contact history. One random stream per household,
 * drawn from in this order: the person, the heating contract, the service purchases, the contact history, the
 * customer record — the order is part of the fingerprint.
 */
export function household(plan: DemoPlan, i: number): Household {
  const r = Random.stream(plan.params.seed, 2, i);
  const c = compoundOf(plan, i);
  const p = person(plan, r, i, c);
  const contract = heatingContract(plan, r, i, c, p.id, p.area);
  const transactions = [...contract.payments, ...servicePurchases(plan, r, i, p.id, contract)];
  transactions.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.externalId.localeCompare(b.externalId));
  const { interactions, tasks } = contactHistory(plan, r, p.id, transactions, contract.churnAt);
  const customer = customerRecord(plan, r, i, c, p, contract, transactions);
  return { customer, transactions, interactions, tasks };
}

/** Households [from, to) in order. */
export function* households(plan: DemoPlan, from = 0, to = plan.params.size): Generator<Household> {
  for (let i = from; i < Math.min(to, plan.params.size); i++) yield household(plan, i);
}

/** A running SHA-256 over the canonical JSON of every generated row (plan, customers, transactions). */
export class Fingerprint {
  private readonly h = createHash('sha256');
  constructor(plan: DemoPlan) {
    const { seed, size, asOf } = plan.params;
    this.h.update(JSON.stringify({ v: GENERATOR_VERSION, params: { seed, size, asOf }, managers: plan.managers, groups: plan.groups }));
  }
  add(h: Household): void {
    this.h.update(JSON.stringify(h.customer));
    for (const t of h.transactions) this.h.update(JSON.stringify(t));
    for (const x of h.interactions) this.h.update(JSON.stringify(x));
    for (const x of h.tasks) this.h.update(JSON.stringify(x));
  }
  digest(): string {
    return this.h.digest('hex');
  }
}

export function fingerprint(params: DemoParams): string {
  const plan = planDemo(params);
  const f = new Fingerprint(plan);
  for (const h of households(plan)) f.add(h);
  return f.digest();
}
