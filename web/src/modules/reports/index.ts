// The reports module (报表中心) as other modules see it: its UI strings. Its page is in routes.ts.

export * as reportsMessages from './messages';
