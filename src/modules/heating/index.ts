export { heatingRoutes, type HeatingRuntime } from './heating.routes.js';
export {
  ARREARS_QUEUE,
  arrearsMergeHook,
  arrearsRebuildReason,
  arrearsWrittenHook,
  executeArrearsRebuild,
  queueArrearsRebuild,
  rebuildArrearsNow,
  unfinishedArrearsRuns,
} from './arrears.js';
export { NOTICE_QUEUE, createNotice, executeNotice, unfinishedNotices, type NoticeDeps } from './notices.js';
export type { ArrearsPage, ArrearsSummary, NoticeView, TreeLevelView } from './heating.contract.js';
export { heatingSummarySource } from './heating.summary.js';
export { heatingPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
