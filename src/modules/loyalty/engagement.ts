/**
 * Points for taking part: a completed survey response (programme.surveyPoints) and feedback the customer gave
 * themselves — the public page, an SMS / WeChat reply, an e-mail (programme.feedbackPoints; not what an agent typed
 * in, a ticket's text or a survey's answer, which earns as a survey). Each exactly once (dedupe key on the response or
 * the item), inside the transaction that recorded it; nothing with the programme off, or for a customer who is not a
 * member when enrolment is manual.
 */
import type { DbOrTx } from '../../platform/db/client.js';
import type { FeedbackReceivedHook } from '../feedback/index.js';
import { companyClock } from '../settings/index.js';
import type { SurveyCompletedHook } from '../surveys/index.js';
import { credit, lockMembers } from './ledger.js';
import type { LedgerSource } from './loyalty.contract.js';
import { ensureMembers } from './members.js';
import { expiryOf, readProgramme } from './programme.js';

const OWN_VOICE = new Set(['public_page', 'sms', 'wechat', 'email']);

async function award(db: DbOrTx, customerId: string, points: (p: Awaited<ReturnType<typeof readProgramme>>) => number, source: { kind: LedgerSource; id: string; reason: string }, at: Date): Promise<void> {
  const p = await readProgramme(db);
  const n = points(p);
  if (!p.enabled || n <= 0) return;
  if (p.enrolment === 'all') await ensureMembers(db, [customerId], p, at);
  const locked = await lockMembers(db, [customerId]);
  if (!locked.size) return;
  const { zone, today } = await companyClock(db, at);
  await credit(
    db,
    {
      customerId,
      kind: 'bonus',
      points: n,
      reason: source.reason,
      sourceKind: source.kind,
      sourceId: source.id,
      dedupeKey: `${source.kind}:${source.id}`,
      expiresAt: expiryOf(p, zone, today),
      createdBy: null,
      occurredAt: at,
    },
    at,
    locked,
  );
}

export const pointsForSurvey: SurveyCompletedHook = async (db, e) => {
  if (!e.customerId) return;
  await award(db, e.customerId, (p) => p.surveyPoints, { kind: 'survey', id: e.responseId, reason: 'loyalty.reason.survey' }, e.completedAt);
};

export const pointsForFeedback: FeedbackReceivedHook = async (db, e) => {
  if (!OWN_VOICE.has(e.source)) return;
  await award(db, e.customerId, (p) => p.feedbackPoints, { kind: 'feedback', id: e.feedbackId, reason: 'loyalty.reason.feedback' }, e.at);
};
