/**
 * Probabilistic customer-base models (issue #5): BG/NBD, Pareto/NBD, Gamma-Gamma and shifted-beta-geometric.
 * Pure functions over sufficient statistics; fitted by maximum likelihood in log space. Units of t_x, T and t are
 * whatever the caller uses (weeks or days), consistently.
 *
 * This file is the contract the analytics run builds on: the signatures are fixed; more may be added.
 * The implementations live beside it (bgnbd.ts, pnbd.ts, gg.ts, sbg.ts, special.ts, optimize.ts, summarise.ts).
 */
export type { BgNbdParams, Fit, GammaGammaParams, ModelName, ParetoNbdParams, RepeatSummary, SbgParams, SpendSummary } from './types.js';
export { compress, compressSpend } from './common.js';
export {
  bgnbdDiscountedPurchases,
  bgnbdExpectedCumulative,
  bgnbdExpectedPurchases,
  bgnbdFrequencyDistribution,
  bgnbdLogLik,
  bgnbdPAlive,
  fitBgNbd,
} from './bgnbd.js';
export { fitParetoNbd, pnbdExpectedCumulative, pnbdExpectedPurchases, pnbdLogLik, pnbdPAlive } from './pnbd.js';
export { fitGammaGamma, ggExpectedSpend, ggLogLik } from './gg.js';
export { fitSbg, sbgDiscountedResidualLifetime, sbgLogLik, sbgSurvival } from './sbg.js';
export { bgnbdFrequencyComparison, dayNumber, summarisePurchases, trackingCurve } from './summarise.js';
export type { FrequencyPoint, Purchase, PurchaseDate, PurchaseSummary, SummariseOptions, TrackingOptions, TrackingPoint } from './summarise.js';
export { hyp2f1, lbeta, lgamma, logAddExp, logSumExp } from './special.js';
export { nelderMead } from './optimize.js';
export { sampleRows, simulateBgNbd } from './simulate.js';
