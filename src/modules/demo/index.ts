export { loadDemo, demoStatus, databaseFingerprint, todayInShanghai, type DemoProgress } from './demo.service.js';
export { unfinishedDemo } from './resume.js';
export { demoRoutes, DEMO_QUEUE, runDemoJob } from './demo.routes.js';
export { fingerprint, planDemo, household, households, GENERATOR_VERSION, type DemoParams } from './generator.js';
export { CDNOW_MAPPING, cdnowDefaultFile } from './cdnow.js';
export type { DemoStatus } from './demo.contract.js';
