/**
 * The respondent's side of a survey (issue #15): what the public page (public.routes.ts) may show behind a link, and
 * the writes of answering — a partial response saved after every screen, and the completion. Two ways in:
 * - an invitation's link (`/s/v/<token>`): one response per invitation (the unique index on invitation_id). Every
 *   write first locks the invitation row `for update`, so concurrent POSTs of one link run one after the other: the
 *   first completion turns the response complete, the next ones find it complete and answer 409 — 20 concurrent
 *   final submits store exactly one complete response (public.test.ts). The completion's update is also guarded by
 *   `where status = 'partial'`, and the unique index stays the last word.
 * - a QR code (`/s/q/<token>`): each start inserts an anonymous response naming the code (qr_code_id; the customer
 *   when a self-identifying respondent's phone matched one); its writes lock that response row.
 * Nothing is written before the answers pass checkAnswers: a refused screen leaves every row as it was.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { checkAnswers, headlineScores, type AnswerIssue, type Answers, type SurveyDefinition } from './definition.js';
import { surveyInvitations, surveyQrCodes, surveyResponses, surveys, surveyVersions } from './schema.js';
import { settingsOf } from './send.js';
import { onResponseCompleted } from './followup.js';
import { surveyCompleted, surveyVoice } from './voice.js';
import { signToken, verifyToken } from './token.js';

export type InvitationRow = typeof surveyInvitations.$inferSelect;
export type QrCodeRow = typeof surveyQrCodes.$inferSelect;
export type ResponseRow = typeof surveyResponses.$inferSelect;

/** Why a link shows no questions: a page of its own with this HTTP status. */
export type Refusal = 'invalid' | 'expired' | 'withdrawn' | 'closed' | 'already' | 'too_large' | 'rate_limited' | 'bad_request';
export const REFUSAL_STATUS: Record<Refusal, number> = {
  invalid: 404,
  expired: 410,
  withdrawn: 410,
  closed: 410,
  already: 409,
  too_large: 413,
  rate_limited: 429,
  bad_request: 400,
};

/** A link that cannot be answered (the page says why). */
export class RefusedLink extends Error {
  /** With 'already': the definition answered (its thanks text). */
  constructor(
    readonly refusal: Refusal,
    readonly definition: SurveyDefinition | null = null,
  ) {
    super(refusal);
  }
}

/** Answers the page refuses (422, the screen again with the messages next to the fields); nothing was written. */
export class RefusedAnswers extends Error {
  constructor(readonly issues: AnswerIssue[]) {
    super('refused answers');
  }
}

/** What a link leads to: the survey's definition (the invitation's or the response's version) and the response so far. */
export type Target = {
  surveyId: string;
  versionId: string;
  definition: SurveyDefinition;
  invitation: InvitationRow | null;
  qr: QrCodeRow | null;
  response: ResponseRow | null;
};

async function surveyState(db: DbOrTx, surveyId: string): Promise<{ open: boolean }> {
  const [s] = await db.select({ status: surveys.status, deletedAt: surveys.deletedAt }).from(surveys).where(sql`${surveys.id} = ${surveyId}`);
  return { open: !!s && s.status === 'active' && !s.deletedAt };
}

async function definitionOf(db: DbOrTx, versionId: string): Promise<SurveyDefinition> {
  const [v] = await db.select({ definition: surveyVersions.definition }).from(surveyVersions).where(sql`${surveyVersions.id} = ${versionId}`);
  if (!v) throw new RefusedLink('invalid');
  return v.definition;
}

/**
 * The invitation behind a verified token, its survey and response. `lock` takes the invitation `for update` (every
 * write does). Refused, in this order: unknown → invalid; withdrawn; already complete; expired; survey not active.
 */
export async function invitationTarget(db: DbOrTx, invitationId: string, now: Date, opts: { lock?: boolean } = {}): Promise<Target> {
  const query = db.select().from(surveyInvitations).where(sql`${surveyInvitations.id} = ${invitationId}`);
  const [inv] = opts.lock ? await query.for('update') : await query;
  if (!inv) throw new RefusedLink('invalid');
  if (inv.status === 'withdrawn') throw new RefusedLink('withdrawn');
  const [response] = await db.select().from(surveyResponses).where(sql`${surveyResponses.invitationId} = ${inv.id}`);
  if (response?.status === 'complete' || inv.status === 'responded') throw new RefusedLink('already', await definitionOf(db, inv.versionId));
  if (inv.status === 'expired' || inv.expiresAt.getTime() <= now.getTime()) throw new RefusedLink('expired');
  if (!(await surveyState(db, inv.surveyId)).open) throw new RefusedLink('closed');
  return { surveyId: inv.surveyId, versionId: inv.versionId, definition: await definitionOf(db, inv.versionId), invitation: inv, qr: null, response: response ?? null };
}

/**
 * A live QR code and its survey's current version (to start a response); deleted or unknown → invalid. An anonymous
 * code of a survey that no longer allows anonymous answers (the setting turned off after the code was printed) is
 * closed, like an inactive survey: no start, and no further screen of a response begun before.
 */
export async function qrTarget(db: DbOrTx, qrId: string): Promise<Target & { qr: QrCodeRow }> {
  const [qr] = await db.select().from(surveyQrCodes).where(sql`${surveyQrCodes.id} = ${qrId} and ${surveyQrCodes.deletedAt} is null`);
  if (!qr) throw new RefusedLink('invalid');
  const [s] = await db
    .select({ status: surveys.status, deletedAt: surveys.deletedAt, versionId: surveys.currentVersionId, settings: surveys.settings })
    .from(surveys)
    .where(sql`${surveys.id} = ${qr.surveyId}`);
  if (!s || s.status !== 'active' || s.deletedAt || !s.versionId) throw new RefusedLink('closed');
  if (qr.identify === 'anonymous' && !settingsOf(s.settings).anonymousAllowed) throw new RefusedLink('closed');
  return { surveyId: qr.surveyId, versionId: s.versionId, definition: await definitionOf(db, s.versionId), invitation: null, qr, response: null };
}

/** A response started from a QR code (named by the page's signed key); `lock` takes it `for update`. */
export async function qrResponseTarget(db: DbOrTx, qrId: string, responseId: string, opts: { lock?: boolean } = {}): Promise<Target> {
  const t = await qrTarget(db, qrId);
  const query = db.select().from(surveyResponses).where(sql`${surveyResponses.id} = ${responseId} and ${surveyResponses.qrCodeId} = ${qrId}`);
  const [response] = opts.lock ? await query.for('update') : await query;
  if (!response) throw new RefusedLink('invalid');
  if (response.status === 'complete') throw new RefusedLink('already', await definitionOf(db, response.versionId));
  // Begun on an earlier version: that version's definition (the code's current one is already read).
  const definition = response.versionId === t.versionId ? t.definition : await definitionOf(db, response.versionId);
  return { ...t, versionId: response.versionId, definition, response };
}

/** The first view of an invitation's link: pending/sent → opened (later views change nothing). */
export async function markOpened(db: DbOrTx, invitationId: string, now: Date): Promise<void> {
  await db
    .update(surveyInvitations)
    .set({ status: 'opened', openedAt: sql`coalesce(${surveyInvitations.openedAt}, ${now})` })
    .where(sql`${surveyInvitations.id} = ${invitationId} and ${surveyInvitations.status} in ('pending', 'sent')`);
}

/** Starts an anonymous (or self-identified) response from a QR code. */
export async function startQrResponse(db: DbOrTx, t: Target & { qr: QrCodeRow }, customerId: string | null, now: Date): Promise<ResponseRow> {
  const [row] = await db
    .insert(surveyResponses)
    .values({ surveyId: t.surveyId, versionId: t.versionId, qrCodeId: t.qr.id, customerId, channel: 'qr', status: 'partial', answers: {}, startedAt: now, updatedAt: now })
    .returning();
  return row!;
}

/** What a response takes from its invitation: who, how, and a ticket survey's ticket and agent (results by agent). */
const fromInvitation = (t: Target, inv: InvitationRow) => ({
  surveyId: t.surveyId,
  versionId: t.versionId,
  invitationId: inv.id,
  customerId: inv.customerId,
  channel: inv.channel,
  ticketId: inv.ticketId,
  agentId: inv.agentId,
});

/** Saves the answers so far (already checked and cleaned by the caller): the response is created on the first save. */
export async function savePartial(db: DbOrTx, t: Target, answers: Answers, now: Date): Promise<void> {
  if (t.response) {
    const updated = await db
      .update(surveyResponses)
      .set({ answers, updatedAt: now })
      .where(sql`${surveyResponses.id} = ${t.response.id} and ${surveyResponses.status} = 'partial'`)
      .returning({ id: surveyResponses.id });
    if (!updated.length) throw new RefusedLink('already');
  } else {
    const inv = t.invitation;
    if (!inv) throw new RefusedLink('invalid');
    await db.insert(surveyResponses).values({ ...fromInvitation(t, inv), status: 'partial', answers, startedAt: now, updatedAt: now });
  }
  if (t.invitation) await markOpened(db, t.invitation.id, now);
}

/**
 * Completes the response: every required question on the path answered (else RefusedAnswers), status complete with
 * completed_at and the headline scores; the invitation becomes responded. A response found complete → 'already'.
 */
export async function complete(db: DbOrTx, t: Target, stored: Record<string, unknown>, now: Date): Promise<void> {
  const checked = checkAnswers(t.definition, stored, { partial: false });
  if (!checked.ok) throw new RefusedAnswers(checked.issues);
  const scores = headlineScores(t.definition, checked.answers);
  const done = { status: 'complete' as const, answers: checked.answers, ...scores, completedAt: now, updatedAt: now };
  let id: string;
  if (t.response) {
    const updated = await db
      .update(surveyResponses)
      .set(done)
      .where(sql`${surveyResponses.id} = ${t.response.id} and ${surveyResponses.status} = 'partial'`)
      .returning({ id: surveyResponses.id });
    if (!updated.length) throw new RefusedLink('already');
    id = t.response.id;
  } else {
    const inv = t.invitation;
    if (!inv) throw new RefusedLink('invalid');
    const inserted = await db
      .insert(surveyResponses)
      .values({ ...fromInvitation(t, inv), startedAt: now, ...done })
      .onConflictDoNothing()
      .returning({ id: surveyResponses.id });
    if (!inserted.length) throw new RefusedLink('already');
    id = inserted[0]!.id;
  }
  if (t.invitation) {
    await db
      .update(surveyInvitations)
      .set({ status: 'responded', respondedAt: now, openedAt: sql`coalesce(${surveyInvitations.openedAt}, ${now})` })
      .where(sql`${surveyInvitations.id} = ${t.invitation.id}`);
  }
  // A detractor or a CSAT of 1–2: a follow-up task for the customer's owner, in the same transaction.
  const customerId = t.response?.customerId ?? t.invitation?.customerId ?? null;
  await onResponseCompleted(db, { id, surveyId: t.surveyId, customerId, status: 'complete', nps: scores.nps, csat: scores.csat, completedAt: now });
  // Free-text answers: customer voice for the feedback inbox (through the hook it registers).
  await surveyVoice(db, { responseId: id, surveyId: t.surveyId, customerId, completedAt: now }, t.definition, checked.answers);
  await surveyCompleted(db, { responseId: id, surveyId: t.surveyId, customerId, completedAt: now });
}

/**
 * The key of a response started from a QR code, in its page's URL (`/s/q/<qr token>/<key>`): a token of its own
 * purpose (token.ts), so it is never a valid invitation or QR token.
 */
export const signResponseKey = (secret: Buffer, id: string): string => signToken(secret, id, 'survey-response');

/** The response id of a genuine key; null for anything else. */
export const verifyResponseKey = (secret: Buffer, key: string): string | null => verifyToken(secret, key, 'survey-response');
