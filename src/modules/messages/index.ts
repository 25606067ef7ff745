export { messageRoutes } from './messages.routes.js';
export { MessageDelivery, STALE_CLAIM_MS, type DeliveryCounts } from './delivery.js';
export { enqueueBulk, withdrawBySource, kickSweep, messageCountsBySource, messageFacts, type BulkInput, type BulkResult, type SourceCounts } from './bulk.js';
export { kickIfQueued, messageTimelineSource, sendMessage } from './outbox.service.js';
export { messageMergeHook } from './merge.js';
export type { MessagingRuntime } from './runtime.js';
export type { MessageCategory, MessageReason, MessageView, MessageTemplateView, TemplateVariable } from './messages.contract.js';
export { publicBaseUrl } from './settings.js';
export { activeTemplateIds, templateChannels } from './templates.queries.js';
