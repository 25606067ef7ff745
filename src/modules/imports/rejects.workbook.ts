/** The import report's workbook: every rejected row of a job with its reason and original cells. */
import { PassThrough, type Readable } from 'node:stream';
import type { Actor } from '../../platform/auth/permissions.js';
import type { Db } from '../../platform/db/client.js';
import { yieldToEventLoop } from '../../platform/db/slice.js';
import { excel } from '../../platform/heavy-modules.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import * as repo from './imports.repository.js';
import { jobFor, rejectReason } from './imports.service.js';

/** Every rejected row of a job with its reason and original cells, as a workbook (streamed). */
export async function rejectsWorkbook(db: Db, actor: Actor | null, id: string, locale: Locale): Promise<{ stream: Readable; fileName: string }> {
  const job = await jobFor(db, actor, id);
  const out = new PassThrough();
  const workbook = new (await excel()).stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(t(locale, 'imports.report.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  void (async () => {
    const head = sheet.addRow([t(locale, 'imports.report.row'), t(locale, 'imports.report.reason'), ...job.headers]);
    head.font = { bold: true };
    head.commit();
    let after = 0;
    for (;;) {
      const rows = await repo.listRejects(db, id, after, 1000);
      for (const r of rows) sheet.addRow([r.row, rejectReason(locale, job.kind, r), ...r.cells]).commit();
      if (rows.length < 1000) break;
      await yieldToEventLoop(); // the embedded database's one thread and connection are every request's too
      after = rows[rows.length - 1]!.row;
    }
    sheet.commit();
    await workbook.commit();
  })().catch((err: unknown) => out.destroy(err as Error));
  const base = job.fileName.replace(/\.[^.]+$/, '');
  return { stream: out, fileName: `${base}-${t(locale, 'imports.report.suffix')}.xlsx` };
}
