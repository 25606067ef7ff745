// The duplicates module as other modules see it: the "merged into" banner. Its pages are in routes.ts.

export { MergedBanner } from './MergedBanner';
export * as duplicatesMessages from './messages';
