// The campaigns module (营销活动) as other modules see it: for now its messages. Its pages are in routes.ts.

export * as campaignsMessages from './messages';
