// The surveys module (满意度调查) as other modules see it: for now its messages. Its pages are in routes.ts.

export * as surveysMessages from './messages';
