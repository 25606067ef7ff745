// The accounts module as other modules see it: the user and team look-ups other pages filter and show by.
// Its pages are in routes.ts, for the shell only.

export { roleLabel, teamTree, useTeams, useUsers } from './api';
export * as accountsMessages from './messages';
export * as adminMessages from './admin.messages';
export * as securityMessages from './security.messages';
