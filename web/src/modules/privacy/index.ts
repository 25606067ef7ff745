// The privacy module (个人信息请求, issue #18) as other modules see it: its UI strings. Its page is in routes.ts, in the
// admin menu for holders of privacy:manage (nav.tsx).

export * as privacyMessages from './messages';
export * as privacyConsentMessages from './consent.messages';
