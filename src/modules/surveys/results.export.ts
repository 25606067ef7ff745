/**
 * GET /surveys/:id/responses.xlsx: one row per complete response of a version (the results' filters and data scope),
 * a column per question (a matrix: one per row; SERVQUAL: expectation and perception per item). Needs survey:read
 * and customer:export (it carries customers' names). Personal data as the customer export shows it: the phone masked
 * unless the exporter holds customer:pii; name and customer number (户号) as in the customer list. Audited (action
 * `export`, entity the survey) before the first row leaves. Written by exceljs's streaming writer in keyset batches
 * (constant memory); cells are plain values, never formulas.
 */
import { PassThrough, type Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { excel } from '../../platform/heavy-modules.js';
import { can, requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { yieldToEventLoop } from '../../platform/db/slice.js';
import type { Locale } from '../../platform/i18n/index.js';
import { displayPhone, maskPhone } from '../../platform/phone.js';
import { userDirectory } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import { customerDirectory, customerFields } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import { DIMENSION_NAMES, type Question } from './definition.js';
import { responseConditions, resultsTarget, textOf, type ResultsQuery } from './results.js';
import { surveyResponses } from './schema.js';

const BATCH = 1000;

type Row = {
  id: string;
  completed_at: string | Date;
  channel: string;
  answers: Record<string, unknown>;
  external_id: string | null;
  name: string | null;
  phones: string[] | null;
  compound: string | null;
  agent: string | null;
};

type Column = { header: string; cell: (answers: Record<string, unknown>) => unknown };

/** The answer columns of one question. */
function columnsOf(q: Question, locale: Locale): Column[] {
  const title = textOf(q.text, locale);
  const value = (a: Record<string, unknown>) => a[q.id];
  switch (q.type) {
    case 'single': {
      const labels = new Map(q.options.map((o) => [o.value, textOf(o.text, locale)]));
      return [{ header: title, cell: (a) => (typeof value(a) === 'string' ? (labels.get(value(a) as string) ?? value(a)) : null) }];
    }
    case 'multiple': {
      const labels = new Map(q.options.map((o) => [o.value, textOf(o.text, locale)]));
      return [{ header: title, cell: (a) => (Array.isArray(value(a)) ? (value(a) as string[]).map((v) => labels.get(v) ?? v).join(locale === 'en' ? ', ' : '、') : null) }];
    }
    case 'matrix':
      return q.rows.map((row) => ({ header: `${title} · ${textOf(row.text, locale)}`, cell: (a) => (value(a) as Record<string, number> | undefined)?.[row.id] ?? null }));
    case 'servqual': {
      const [e, p] = locale === 'en' ? ['expectation', 'perception'] : ['期望', '感知'];
      return q.items.flatMap((item) => {
        const label = `${locale === 'en' ? DIMENSION_NAMES[item.dimension].en : DIMENSION_NAMES[item.dimension].zh} · ${textOf(item.text, locale)}`;
        const pair = (a: Record<string, unknown>) => (value(a) as Record<string, { e: number; p: number }> | undefined)?.[item.id];
        return [
          { header: `${label}（${e}）`, cell: (a) => pair(a)?.e ?? null },
          { header: `${label}（${p}）`, cell: (a) => pair(a)?.p ?? null },
        ];
      });
    }
    default:
      return [{ header: title, cell: (a) => (value(a) === undefined ? null : value(a)) }];
  }
}

const FIXED = {
  'zh-CN': ['完成时间', '渠道', '户号', '客户', '电话', '小区', '坐席'],
  en: ['Completed at', 'Channel', 'Customer number', 'Customer', 'Phone', 'Compound', 'Agent'],
} as const;

/** The workbook as a stream; the audit entry is written before it is returned. */
export async function exportResponsesXlsx(db: DbOrTx, actor: Actor | null, surveyId: string, q: ResultsQuery, locale: Locale, timeZone: string): Promise<Readable> {
  requireAccess(actor, 'survey:read');
  requireAccess(actor, 'customer:export');
  const target = await resultsTarget(db, surveyId, q.version);
  const { zone } = await companyClock(db);
  const where = responseConditions(actor, target.versionId, q, zone);
  const reveal = can(actor, 'customer:pii');
  const shown = customerFields(actor); // field grants (issue #18): no phone or compound for a role that does not see them
  await recordAudit(db, actor, {
    action: 'export',
    entityType: 'survey',
    entityId: surveyId,
    changes: { format: 'xlsx', what: 'responses', version: target.version, from: q.from ?? null, to: q.to ?? null, unmasked: reveal },
  });
  const columns = target.definition.questions.flatMap((x) => columnsOf(x, locale));
  const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' });
  const batch = async (after: { at: string; id: string } | null) =>
    rowsOf<Row & { sort_at: string }>(
      await db.execute(sql`
        select r.id::text as id, r.completed_at, r.channel, r.answers, c.external_id, c.name, c.phones, c.compound, u.display_name as agent,
               to_char(r.completed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at
          from ${surveyResponses} r
          left join ${customerDirectory} c on c.id = r.customer_id
          left join ${userDirectory} u on u.id = r.agent_id
         where r.survey_id = ${surveyId} and ${where}
           ${after ? sql`and (r.completed_at, r.id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
         order by r.completed_at, r.id limit ${BATCH}`),
    );
  const out = new PassThrough();
  const workbook = new (await excel()).stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(locale === 'en' ? 'Responses' : '答卷', { views: [{ state: 'frozen', ySplit: 1 }] });
  void (async () => {
    const head = sheet.addRow([...FIXED[locale === 'en' ? 'en' : 'zh-CN'], ...columns.map((c) => c.header)]);
    head.font = { bold: true };
    head.commit();
    for (let after: { at: string; id: string } | null = null; ; ) {
      const rows = await batch(after);
      for (const r of rows) {
        const phone = r.phones?.[0];
        const fixed = [fmt.format(new Date(r.completed_at)), r.channel, r.external_id ?? '', r.name ?? '', phone && shown.visible('phones') ? (reveal ? displayPhone(phone) : maskPhone(phone)) : '', shown.visible('address') ? (r.compound ?? '') : '', r.agent ?? ''];
        sheet.addRow([...fixed, ...columns.map((c) => c.cell(r.answers ?? {}))]).commit();
      }
      if (rows.length < BATCH) break;
      await yieldToEventLoop(); // the embedded database's one thread and connection are every request's too
      const last = rows[rows.length - 1]!;
      after = { at: last.sort_at, id: last.id };
    }
    sheet.commit();
    await workbook.commit();
  })().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
