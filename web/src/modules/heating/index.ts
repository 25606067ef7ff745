// The heating module (供热: the compound tree, 欠费, 停暖/抢修通知) as other modules see it: its UI strings. Its pages are
// in routes.ts, shown in the menu for the heating industry template only (nav.tsx).

export * as heatingMessages from './messages';
