/**
 * The churn stage of the analytics run: each customer's churn risk (0–100, the sum of the points of the signals that
 * apply) and level, with the reasons in words. The signals: P(alive) of the purchase model, a purchase rhythm
 * overdue, a lapsed or unpaid contract, a low renewal probability, churn tags, and other modules' signals.
 */
import type { AnalyticsSettings, ChurnLevel, ChurnReason } from './analytics.contract.js';
import { seasonsOf, type ContractModel, type PurchaseModels } from './engine.models.js';
import type { Population, RunClock, Tick } from './engine.population.js';
import type { RfmStage } from './engine.rfm.js';
import type { Loyalty } from './engine.value.js';

/** Other modules' churn reasons, by customer index (only customers that have any). */
export type ChurnSignalResult = Map<number, ChurnReason[]>;

/** P(alive) below this adds churn-risk points (1 − P(alive)) × 50 and shows as a reason. */
export const P_ALIVE_SIGNAL = 0.8;

export type Churn = {
  risk: Uint8Array;
  level: ChurnLevel[];
  /** The churn reasons of customer i (built on demand). */
  reasons: (i: number) => ChurnReason[];
};

/** What the churn signals read besides the population. */
export type ChurnInputs = {
  rfm: Pick<RfmStage, 'tenureDays'>;
  purchase: Pick<PurchaseModels, 'pAlive' | 'pAliveInformative'>;
  contract: Pick<ContractModel, 'renewal'>;
  loyalty: Pick<Loyalty, 'ratio'>;
  /** Other modules' reasons by customer index. */
  external: ChurnSignalResult;
};

const NO_REASONS: ChurnReason[] = [];

export async function churnStage(p: Population, s: AnalyticsSettings, clock: RunClock, inputs: ChurnInputs, tick: Tick): Promise<Churn> {
  const n = p.n;
  const risk = new Uint8Array(n);
  const level: ChurnLevel[] = new Array(n);
  const reasons = reasonsOf(p, s, clock, inputs);
  for (let i = 0; i < n; i++) {
    if ((i & 1023) === 0) await tick();
    const total = Math.min(100, reasons(i, false).reduce((a, x) => a + x.points, 0));
    risk[i] = total;
    level[i] = total >= s.riskCutoffs.high ? 'high' : total >= s.riskCutoffs.medium ? 'medium' : 'low';
  }
  return { risk, level, reasons: (i) => reasons(i) };
}

/**
 * The reasons of customer i, highest points first: each signal that drove the risk says so (`text` false: the points
 * only). Built again when the results are written rather than kept: a million arrays of reason objects with their
 * sentences would weigh several hundred MB.
 */
function reasonsOf(p: Population, s: AnalyticsSettings, clock: RunClock, inputs: ChurnInputs): (i: number, text?: boolean) => ChurnReason[] {
  const { tenureDays } = inputs.rfm;
  const { pAlive } = inputs.purchase;
  const { renewal } = inputs.contract;
  const { ratio } = inputs.loyalty;
  const lastComplete = clock.currentSeason - 1;
  return (i, text = true) => {
    const out: ChurnReason[] = [];
    if (tenureDays[i]! >= 0) {
      // P(alive) of the purchase model; MBG/NBD's also falls for a one-time buyer whose purchase was long ago.
      const pa = pAlive[i]!;
      if (inputs.purchase.pAliveInformative(i) && pa < P_ALIVE_SIGNAL) {
        out.push({ code: 'p_alive', zh: text ? `P(存活) ${pa.toFixed(2)}` : '', en: text ? `P(alive) ${pa.toFixed(2)}` : '', points: Math.round((1 - pa) * 50) });
      }
      const q = ratio[i]!;
      if (!Number.isNaN(q) && q >= 2) {
        const times = q >= 10 ? Math.round(q) : Math.round(q * 10) / 10;
        out.push({ code: 'rhythm', zh: text ? `已超过平常购买间隔的 ${times} 倍未购买` : '', en: text ? `No purchase for ${times}× the usual interval` : '', points: q >= 3 ? 25 : 15 });
      }
      const seasons = seasonsOf(p, clock, i);
      if (seasons) {
        const last = seasons.last;
        if (last < lastComplete) {
          const season = `${last}-${last + 1}`;
          out.push({ code: 'contract_lapsed', zh: text ? `已停止供暖（报停），最后缴费供暖季 ${season}` : '', en: text ? `Stopped heating (报停): last paid season ${season}` : '', points: 50 });
        } else if (last < clock.currentSeason && clock.seasonDue) {
          const season = `${clock.currentSeason}-${clock.currentSeason + 1}`;
          out.push({ code: 'contract_unpaid', zh: text ? `${season} 供暖季采暖费未缴` : '', en: text ? `Heating fee for ${season} unpaid` : '', points: 20 });
        }
        const rp = renewal[i]!;
        if (!Number.isNaN(rp) && rp > 0 && rp < 0.9) {
          out.push({ code: 'renewal', zh: text ? `续费概率 ${(rp * 100).toFixed(0)}%` : '', en: text ? `Renewal probability ${(rp * 100).toFixed(0)}%` : '', points: Math.round((1 - rp) * 30) });
        }
      }
      s.churnTags.forEach((t, k) => {
        if (p.tagBits[i]! & (1 << k)) out.push({ code: `tag`, zh: text ? `标签「${t.tag}」` : '', en: text ? `Tag "${t.tag}"` : '', points: t.points });
      });
    }
    const more = inputs.external.get(i);
    if (more) out.push(...more);
    if (!out.length) return NO_REASONS;
    out.sort((a, b) => b.points - a.points);
    return out;
  };
}
