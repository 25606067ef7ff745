export { surveyRoutes, type SurveyRouteContext } from './surveys.routes.js';
export type { SurveyDefinition, Question } from './definition.js';
export type { SurveyKind, SurveyStatus, SurveyView } from './surveys.contract.js';
export { SURVEY_SEND_QUEUE, executeSend, unfinishedSendIds, type SendDeps } from './send.js';
export { surveyClock } from './reminders.js';
export type { DistributionRuntime } from './invitations.routes.js';
export { surveyPublicRoutes, type SurveyPublicContext } from './public.routes.js';
export type { SurveyQrCodeView } from './qr.js';
export { surveyMergeHooks } from './merge.js';
export { recordTicketInvitations } from './triggers.js';
export { surveyResults, type ResultsQuery } from './results.js';
export type { SurveyResults } from './surveys.contract.js';
export { surveyTimelineSource, registerSurveyResultHooks } from './timeline.js';
export { onResponseCompleted, surveyChurnSignal, type CompletedResponse } from './followup.js';
export { surveyDashboardTiles } from './dashboard.tiles.js';
export { surveyGoalMetrics } from './goal.metrics.js';
export { surveyFacts } from './facts.js';
export { registerSurveyVoiceHook, type SurveyVoiceEvent, type SurveyVoiceHook } from './voice.js';
export { registerSurveyCompletedHook, type SurveyCompletedEvent, type SurveyCompletedHook } from './voice.js';
// The demo's surveys (demo/outreach.ts): the marketer's services, and the household's answer as the public page gives it.
export { activateSurvey, closeSurvey, createSurvey, getSurvey, listSurveys } from './surveys.service.js';
export { createSend, listInvitations, listSends } from './invitations.js';
export { setTriggers } from './triggers.js';
export { complete as completeResponse, invitationTarget, RefusedLink } from './responses.js';
export { surveyPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
