// The team-performance module (团队绩效) as other modules see it: its UI strings. Its pages are in routes.ts.

export * as performanceMessages from './messages';
