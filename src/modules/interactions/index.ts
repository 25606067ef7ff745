export { interactionRoutes } from './interactions.routes.js';
export { logInteraction, interactionTimelineSource } from './interactions.service.js';
export { createTask, createSystemTasks, completeTask, taskTimelineSource, type SystemTask } from './tasks.service.js';
export { registerTimelineSource, customerTimeline, type TimelineItem, type TimelineQuery, type TimelineSource } from './timeline.js';
export { interactionMergeHook, taskMergeHook } from './merge.js';
export type { InteractionView, TaskView, TimelineEvent } from './interactions.contract.js';
export { interactionLog, taskLedger } from './schema.js';
export { interactionBulkLoad, type InteractionBulkRow, type TaskBulkRow } from './interactions.bulk.js';
export { taskDashboardTiles } from './dashboard.tiles.js';
export { interactionGoalMetrics, returnVisitsByAssignee } from './goal.metrics.js';
export { registerInteractionVoiceHook, type InteractionVoiceEvent, type InteractionVoiceHook } from './voice.js';
export { interactionSummarySource } from './interactions.summary.js';
export { interactionPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
