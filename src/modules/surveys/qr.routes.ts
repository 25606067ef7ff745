/** QR codes of a survey: list, create, delete, and the image (SVG, PNG) of the link each carries (qr.ts). */
import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import { fileResponse, noContent, responseOf } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { QR_IDENTIFY, QR_PLACES } from './surveys.contract.js';
import { createQrCode, deleteQrCode, listQrCodes, qrImage, type SurveyQrCodeView } from './qr.js';

export type SurveyQrRouteContext = ServiceContext & { fallbackUrl: string };

const qrCodeView = responseOf<SurveyQrCodeView>()(
  z.object({
    id: z.uuid(),
    surveyId: z.uuid(),
    label: z.string(),
    place: z.enum(QR_PLACES),
    placeValue: z.string().nullable(),
    identify: z.enum(QR_IDENTIFY),
    url: z.string().describe('The link the code carries: the public page /s/q/<token>'),
    responseCount: z.number().int().describe('Complete responses given through this code'),
    createdAt: z.string(),
  }),
);
const qrCodeList = z.object({ items: z.array(qrCodeView) });
const createQrBody = z.strictObject({
  label: z.string().trim().min(1).max(100).describe('A name for the printed code (e.g. 3 号楼大堂)'),
  place: z.enum(QR_PLACES).describe('compound (小区), building (楼栋), hall (营业厅) or other'),
  placeValue: z.string().trim().max(100).nullish().describe('The compound, building or hall by name'),
  identify: z.enum(QR_IDENTIFY).default('anonymous').describe("'self': the page asks the respondent's phone first (matched with customers)"),
});
const idParam = z.strictObject({ id: z.uuid() });
const qrParam = z.strictObject({ id: z.uuid(), qrId: z.uuid() });

export async function surveyQrRoutes(app: App, ctx: SurveyQrRouteContext): Promise<void> {
  const { db, fallbackUrl } = ctx;
  const tags = ['surveys'];
  const config = { fieldLabels: 'surveyQr' };
  app.get('/api/v1/surveys/:id/qr-codes', { schema: { tags, summary: "A survey's QR codes, newest first, with their links", params: idParam, response: { 200: qrCodeList } } }, async (req) =>
    listQrCodes(db, req.actor, fallbackUrl, req.params.id),
  );
  app.post(
    '/api/v1/surveys/:id/qr-codes',
    { schema: { tags, summary: 'Create a QR code for a place (anonymous or self-identified answers)', params: idParam, body: createQrBody, response: { 201: qrCodeView } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createQrCode(tx, req.actor, fallbackUrl, req.params.id, req.body))),
  );
  app.delete('/api/v1/surveys/:id/qr-codes/:qrId', { schema: { tags, summary: 'Delete a QR code (its link stops working; its responses stay)', params: qrParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteQrCode(tx, req.actor, req.params.id, req.params.qrId));
    return reply.code(204).send();
  });
  app.get(
    '/api/v1/surveys/:id/qr-codes/:qrId.svg',
    { schema: { tags, summary: "The QR code's image as SVG", params: qrParam, response: { 200: fileResponse('The QR code', 'image/svg+xml') } } },
    async (req, reply) => {
      const svg = await qrImage(db, req.actor, fallbackUrl, req.params.id, req.params.qrId, 'svg');
      return reply.type('image/svg+xml; charset=utf-8').header('content-disposition', `inline; filename="survey-qr-${req.params.qrId}.svg"`).send(svg);
    },
  );
  app.get(
    '/api/v1/surveys/:id/qr-codes/:qrId.png',
    { schema: { tags, summary: "The QR code's image as PNG (1,024 px)", params: qrParam, response: { 200: fileResponse('The QR code', 'image/png') } } },
    async (req, reply) => {
      const png = await qrImage(db, req.actor, fallbackUrl, req.params.id, req.params.qrId, 'png');
      return reply.type('image/png').header('content-disposition', `inline; filename="survey-qr-${req.params.qrId}.png"`).send(png);
    },
  );
}
