/**
 * QR codes of a survey (issue #15): printed for a compound, a building or a service hall, anonymous or asking the
 * respondent's phone. Each carries the link `${publicBaseUrl}/s/q/${signToken(secret, qr.id, 'qr')}` (the messages
 * module's public address and signing key), drawn by the `qrcode` package as SVG or PNG at error correction level
 * M (a printed code survives some dirt). Listing and images need survey:read, creating and deleting survey:manage;
 * a deleted code (soft: its responses keep pointing at it) no longer opens the page. An anonymous code needs the
 * survey's anonymousAllowed setting (409 otherwise); turned off later, the code's page answers that the survey is
 * closed (responses.ts `qrTarget`).
 */
import { sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { publicBaseUrl, signingSecret } from '../messages/index.js';
import type { QrIdentify, QrPlace, SurveyQrCodeView, SurveySettings } from './surveys.contract.js';
import { surveyQrCodes, surveyResponses, surveys } from './schema.js';
import { settingsOf } from './send.js';
import { signToken } from './token.js';

export type { SurveyQrCodeView } from './surveys.contract.js';

export type CreateQrInput = { label: string; place: QrPlace; placeValue?: string | null; identify?: QrIdentify };

type QrRow = typeof surveyQrCodes.$inferSelect;

async function liveSurvey(db: DbOrTx, surveyId: string, forWrite: boolean): Promise<SurveySettings> {
  const [s] = await db.select({ deletedAt: surveys.deletedAt, settings: surveys.settings }).from(surveys).where(sql`${surveys.id} = ${surveyId}`);
  if (!s) throw AppError.notFound('surveys.not_found');
  if (forWrite && s.deletedAt) throw AppError.conflict('surveys.deleted');
  return settingsOf(s.settings);
}

async function findQr(db: DbOrTx, surveyId: string, qrId: string): Promise<QrRow> {
  const [row] = await db.select().from(surveyQrCodes).where(sql`${surveyQrCodes.id} = ${qrId} and ${surveyQrCodes.surveyId} = ${surveyId} and ${surveyQrCodes.deletedAt} is null`);
  if (!row) throw AppError.notFound('surveys.qr_not_found');
  return row;
}

/** The link a code carries. */
export async function qrLink(db: DbOrTx, fallbackUrl: string, qrId: string): Promise<string> {
  return `${await publicBaseUrl(db, fallbackUrl)}/s/q/${signToken(await signingSecret(db), qrId, 'qr')}`;
}

async function views(db: DbOrTx, fallbackUrl: string, rows: QrRow[]): Promise<SurveyQrCodeView[]> {
  if (!rows.length) return [];
  const base = await publicBaseUrl(db, fallbackUrl);
  const secret = await signingSecret(db);
  const counts = rowsOf<{ qr_code_id: string; n: number }>(
    await db.execute(sql`select qr_code_id, count(*)::int as n from ${surveyResponses}
      where qr_code_id in (${sql.join(rows.map((r) => sql`${r.id}::uuid`), sql`, `)}) and status = 'complete' group by qr_code_id`),
  );
  const byId = new Map(counts.map((c) => [c.qr_code_id, Number(c.n)]));
  return rows.map((r) => ({
    id: r.id,
    surveyId: r.surveyId,
    label: r.label,
    place: r.place,
    placeValue: r.placeValue,
    identify: r.identify,
    url: `${base}/s/q/${signToken(secret, r.id, 'qr')}`,
    responseCount: byId.get(r.id) ?? 0,
    createdAt: r.createdAt.toISOString(),
  }));
}

export async function listQrCodes(db: DbOrTx, actor: Actor | null, fallbackUrl: string, surveyId: string): Promise<{ items: SurveyQrCodeView[] }> {
  requireAccess(actor, 'survey:read');
  await liveSurvey(db, surveyId, false);
  const rows = await db
    .select()
    .from(surveyQrCodes)
    .where(sql`${surveyQrCodes.surveyId} = ${surveyId} and ${surveyQrCodes.deletedAt} is null`)
    .orderBy(sql`${surveyQrCodes.createdAt} desc, ${surveyQrCodes.id} desc`);
  return { items: await views(db, fallbackUrl, rows) };
}

export async function createQrCode(db: DbOrTx, actor: Actor | null, fallbackUrl: string, surveyId: string, input: CreateQrInput): Promise<SurveyQrCodeView> {
  requireAccess(actor, 'survey:manage');
  const settings = await liveSurvey(db, surveyId, true);
  const identify = input.identify ?? 'anonymous';
  // An anonymous code on a survey that wants to know who answers would collect answers nobody can follow up.
  if (identify === 'anonymous' && !settings.anonymousAllowed) throw AppError.conflict('surveys.qr_anonymous_not_allowed', {}, 'identify');
  const [row] = await db
    .insert(surveyQrCodes)
    .values({ surveyId, label: input.label, place: input.place, placeValue: input.placeValue ?? null, identify })
    .returning();
  await recordAudit(db, actor, { action: 'create', entityType: 'survey_qr_code', entityId: row!.id, changes: { surveyId, label: input.label, place: input.place, identify: row!.identify } });
  return (await views(db, fallbackUrl, [row!]))[0]!;
}

export async function deleteQrCode(db: DbOrTx, actor: Actor | null, surveyId: string, qrId: string): Promise<void> {
  requireAccess(actor, 'survey:manage');
  const row = await findQr(db, surveyId, qrId);
  await db.update(surveyQrCodes).set({ deletedAt: new Date() }).where(sql`${surveyQrCodes.id} = ${row.id}`);
  await recordAudit(db, actor, { action: 'delete', entityType: 'survey_qr_code', entityId: row.id, changes: { surveyId, label: row.label } });
}

/** The code's image: SVG text or PNG bytes (1,024 px wide, enough for an A4 poster at 150 dpi). */
export async function qrImage(db: DbOrTx, actor: Actor | null, fallbackUrl: string, surveyId: string, qrId: string, format: 'svg' | 'png'): Promise<string | Buffer> {
  requireAccess(actor, 'survey:read');
  const row = await findQr(db, surveyId, qrId);
  const link = await qrLink(db, fallbackUrl, row.id);
  const options = { errorCorrectionLevel: 'M' as const, margin: 4 };
  return format === 'svg' ? QRCode.toString(link, { ...options, type: 'svg' }) : QRCode.toBuffer(link, { ...options, type: 'png', width: 1024 });
}
