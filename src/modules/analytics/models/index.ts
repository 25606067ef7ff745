/**
 * Probabilistic customer-base models: BG/NBD and MBG/NBD, Pareto/NBD, Gamma-Gamma and shifted-beta-geometric.
 * Pure functions over sufficient statistics; fitted by maximum likelihood in log space. Units of t_x, T and t are
 * whatever the caller uses (weeks or days), consistently.
 *
 * This file is the contract the analytics run builds on: the signatures are fixed; more may be added.
 * The implementations live beside it (bgnbd.ts, pnbd.ts, gg.ts, sbg.ts, special.ts, optimize.ts, summarise.ts).
 */
export type { BgNbdParams, Fit, FitStop, GammaGammaParams, ModelName, ParetoNbdParams, RepeatSummary, SbgParams, SpendSummary } from './types.js';
export { compress, compressSpend } from './common.js';
export {
  bgnbdAliveExpectation,
  bgnbdDiscountedAlive,
  bgnbdDiscountedPurchases,
  bgnbdExpectedCumulative,
  bgnbdExpectedPurchases,
  bgnbdFrequencyDistribution,
  bgnbdLogLik,
  bgnbdPAlive,
  fitBgNbd,
  fitBgNbdAsync,
  fitMbgNbd,
  fitMbgNbdAsync,
  mbgnbdDiscountedPurchases,
  mbgnbdExpectedCumulative,
  mbgnbdExpectedPurchases,
  mbgnbdLogLik,
  mbgnbdPAlive,
} from './bgnbd.js';
export { fitParetoNbd, fitParetoNbdAsync, pnbdExpectedCumulative, pnbdExpectedPurchases, pnbdLogLik, pnbdPAlive } from './pnbd.js';
export { fitGammaGamma, fitGammaGammaAsync, ggExpectedSpend, ggLogLik } from './gg.js';
export { fitSbg, fitSbgLifetimes, sbgDiscountedResidualLifetime, sbgLifetimeLogLik, sbgLogLik, sbgSurvival, type SbgLifetime } from './sbg.js';
export { bgnbdFrequencyComparison, dayNumber, summarisePurchases, trackingCurve } from './summarise.js';
export type { FrequencyPoint, Purchase, PurchaseDate, PurchaseSummary, SummariseOptions, TrackingOptions, TrackingPoint } from './summarise.js';
export { hyp2f1, lbeta, lgamma, logAddExp, logSumExp } from './special.js';
export { DEFAULT_FIT_SECONDS, nelderMead, type Budget, type StopReason } from './optimize.js';
export { sampleRows, simulateBgNbd, simulateMbgNbd } from './simulate.js';
