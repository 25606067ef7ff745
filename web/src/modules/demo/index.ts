// The demo-data module as other modules see it: starting a demo load, its progress and its settings card.
export { startDemo } from './api';
export { DemoCard } from './DemoCard';
export { DemoProgress } from './DemoProgress';
export * as demoMessages from './messages';
