// The knowledge-base module as other modules see it: suggestions for a ticket. Its page is in routes.ts.

export { KbSuggestions } from './KbSuggestions';
export * as kbMessages from './messages';
