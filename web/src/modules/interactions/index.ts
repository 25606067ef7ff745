// The interactions module as other modules and the shell see it: its query keys, the assignee look-up and the
// header's task bell. Its page and its tab on the customer 360 page are in routes.ts.

export { interactionKeys, useAssignees } from './api';
export { TaskBell } from './TaskBell';
export * as interactionsMessages from './messages';
