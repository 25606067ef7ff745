// The tickets module as other modules see it: nothing yet. Its pages are in routes.ts, for the shell only.
export {};
