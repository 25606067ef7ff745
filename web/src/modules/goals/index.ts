// The goals module (目标管理) as other modules see it: its UI strings. Its pages are in routes.ts.

export * as goalsMessages from './messages';
