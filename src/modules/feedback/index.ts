export { feedbackRoutes } from './feedback.routes.js';
export { feedbackPublicRoutes, type FeedbackPublicContext } from './public.routes.js';
export { recordFeedback, updateFeedback, type RecordFeedbackInput } from './feedback.service.js';
export { ensureFeedbackSeed } from './categories.service.js';
export { feedbackTimelineSource, feedbackReplyTimelineSource, feedbackMergeHook, registerFeedbackHooks } from './timeline.js';
export type { FeedbackItemView, FeedbackPage, FeedbackCategoryView, FeedbackSentiment, FeedbackSource, FeedbackStatus } from './feedback.contract.js';
export { feedbackDashboardTiles } from './dashboard.tiles.js';
export { feedbackGoalMetrics } from './goal.metrics.js';
export { analyseFeedbackFile, type FeedbackAnalysisLine } from './text/index.js';
export { feedbackFromInteraction, feedbackFromSurvey, feedbackFromTicketRating } from './intake.js';
export { feedbackChurnSignal, feedbackLearningInput } from './churn.js';
export { registerFeedbackReceivedHook, type FeedbackReceivedEvent, type FeedbackReceivedHook } from './received.js';
export { feedbackPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
export { feedbackImporter } from './import.js';
export { feedbackSecretStore } from './inbound.service.js'; // its inbound keys, sealed at rest (issue #18)
export { FEEDBACK_RETRAIN_QUEUE, retrainNow } from './retrain.service.js';
export type { FeedbackRetrainRunView } from './feedback.contract.js'; // 重新训练: the company's own models
