// The home-page module as other modules see it: its UI strings. Its page is in routes.ts.

export * as dashboardsMessages from './messages';
