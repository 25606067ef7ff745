// The messages module as other modules see it: the template look-up. Its pages and its tab on the customer 360 page
// are in routes.ts.

export { useTemplates } from './api';
export * as messagesMessages from './messages';
