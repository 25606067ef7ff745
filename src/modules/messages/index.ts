export { messageRoutes } from './messages.routes.js';
export { MessageDelivery, STALE_CLAIM_MS, type DeliveryCounts } from './delivery.js';
export { enqueueBulk, withdrawBySource, kickSweep, messageCountsBySource, messageCountsBySources, messageFacts, type BulkInput, type BulkResult, type SourceCounts } from './bulk.js';
export { enqueueStaffEmail, kickIfQueued, messageStatuses, messageTimelineSource, sendMessage } from './outbox.service.js';
// Inbound SMS for the feedback inbox's callback: the key check and the TD/退订 opt-out stay here.
export { isOptOut as isSmsOptOut, receiveSms } from './outbox.service.js';
export { inboundChannelFacts, messageSecretStores } from './settings.js';
export { registerMessageAttachments, type MessageAttachment } from './attachments.js';
export { messageMergeHook } from './merge.js';
export type { MessagingRuntime } from './runtime.js';
export type { MessageCategory, MessageReason, MessageView, MessageTemplateView, TemplateVariable } from './messages.contract.js';
export { publicBaseUrl, signingSecret } from './settings.js';
export { activeTemplateIds, templateChannels } from './templates.queries.js';
export { createTemplate, listTemplates as listMessageTemplates } from './templates.service.js';
export { messageDashboardTiles } from './dashboard.tiles.js';
export { trackingKey } from './tracking.js';
export { consentSummarySource } from './messages.summary.js';
export { messagePersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
export { outboxRetention } from './retention.js'; // 数据保留: outbox messages older than the policy's months (issue #18)
