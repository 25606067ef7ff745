// The care module as other modules see it: only its UI strings (for web/src/messages.ts).
// Its pages are in routes.ts, for the shell only.
export * as careMessages from './messages';
