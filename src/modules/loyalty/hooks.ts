/**
 * The hooks by which loyalty hears of other modules' writes — a new customer with a referral code, transactions
 * written, a survey completed, feedback received — registered under the name `loyalty` on the given clock. The
 * composition root calls this once at load (the system clock: the CLI's imports earn points too) and again for each
 * app it builds (its clock; the same name replaces the earlier hooks).
 */
import type { CustomerCreatedHook } from '../customers/index.js';
import type { FeedbackReceivedHook } from '../feedback/index.js';
import type { SurveyCompletedHook } from '../surveys/index.js';
import type { TransactionWrittenHook } from '../transactions/index.js';
import { loyaltyTransactionHook } from './earn.js';
import { pointsForFeedback, pointsForSurvey } from './engagement.js';
import { loyaltyCustomerCreatedHook } from './referrals.js';

export type LoyaltyWriteRegistries = {
  registerCustomerCreatedHook(name: string, hook: CustomerCreatedHook): unknown;
  registerTransactionWrittenHook(name: string, hook: TransactionWrittenHook): unknown;
  registerSurveyCompletedHook(name: string, hook: SurveyCompletedHook): unknown;
  registerFeedbackReceivedHook(name: string, hook: FeedbackReceivedHook): unknown;
};

export function registerLoyaltyWriteHooks(r: LoyaltyWriteRegistries, clock: () => Date): void {
  r.registerCustomerCreatedHook('loyalty', loyaltyCustomerCreatedHook(clock)); // a new customer's referral code → a referral
  r.registerTransactionWrittenHook('loyalty', loyaltyTransactionHook(clock)); // points for payments, taken back on a refund or a delete
  r.registerSurveyCompletedHook('loyalty', pointsForSurvey); // points for answering a survey
  r.registerFeedbackReceivedHook('loyalty', pointsForFeedback); // and for giving feedback
}
