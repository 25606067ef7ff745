export { feedbackRoutes } from './feedback.routes.js';
export { feedbackPublicRoutes, type FeedbackPublicContext } from './public.routes.js';
export { recordFeedback, type RecordFeedbackInput } from './feedback.service.js';
export { ensureFeedbackSeed } from './categories.service.js';
export { feedbackTimelineSource, feedbackReplyTimelineSource, feedbackMergeHook, registerFeedbackHooks } from './timeline.js';
export type { FeedbackItemView, FeedbackPage, FeedbackCategoryView, FeedbackSentiment, FeedbackSource, FeedbackStatus } from './feedback.contract.js';
export { feedbackDashboardTiles } from './dashboard.tiles.js';
export { feedbackGoalMetrics } from './goal.metrics.js';
export { analyseFeedbackFile, type FeedbackAnalysisLine } from './text/index.js';
