// The loyalty module (会员与积分) as other modules see it: its UI strings. Its page and its tab on the customer 360
// page are in routes.ts, for the shell only.

export * as loyaltyMessages from './messages';
