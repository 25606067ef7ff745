export { messageRoutes } from './messages.routes.js';
export { MessageDelivery, STALE_CLAIM_MS, type DeliveryCounts } from './delivery.js';
export { kickIfQueued, messageTimelineSource, sendMessage } from './outbox.service.js';
export { messageMergeHook } from './merge.js';
export type { MessagingRuntime } from './runtime.js';
export type { MessageView, MessageTemplateView } from './messages.contract.js';
export { publicBaseUrl } from './settings.js';
export { activeTemplateIds } from './templates.queries.js';
