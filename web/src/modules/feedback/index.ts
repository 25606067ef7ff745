// The feedback module (客户反馈) as other modules see it: its UI strings. Its pages are in routes.ts.

export * as feedbackMessages from './messages';
