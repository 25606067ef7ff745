export { segmentRoutes } from './segments.routes.js';
export { SEGMENTS_QUEUE, executeRefresh, queueNightlyRefresh, refreshNow, startRefresh, unfinishedRefreshIds } from './segments.refresh.js';
export { segmentMemberLedger, segmentMembership } from './schema.js';
export type { RefreshView, SegmentView, SegmentListItem } from './segments.contract.js';
export { segmentMergeHook } from './merge.js';
export { registerSegmentField, listSegmentFields, type SegmentFieldDef, type SegmentFieldView, type CheckedCondition, type CompileContext } from './fields.js';
export { segmentListFilter } from './list-filter.js';
export { segmentSummaries } from './segments.repository.js';
export { segmentDashboardTiles } from './dashboard.tiles.js';
// The demo's segments (demo/content.ts).
export { addMembers, createSegment, listSegments } from './segments.service.js';
export type { Rule as SegmentRule } from './rule.js';
export { segmentGoalMetrics } from './goal.metrics.js';
export { FACTS_QUEUE, checkFacts, executeFactsRebuild, rebuildFacts, setFactsRebuildRequester } from './segments.facts.js';
export { segmentPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
