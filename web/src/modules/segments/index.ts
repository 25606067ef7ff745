// The segments module (客户细分) as other modules see it: for now its messages. Its pages are in routes.ts.

export * as segmentsMessages from './messages';
export { useSegment, useSegments } from './api';
