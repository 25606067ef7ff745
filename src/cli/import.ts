import { readFileSync } from 'node:fs';
import { t, type Locale } from '../platform/i18n/index.js';
import type { ImportOptions } from '../modules/imports/index.js';

/** `--mapping FILE`: {"mapping": {...}, "options": {...}}, or the mapping alone. */
export function readMappingFile(file: string): { mapping?: Record<string, string>; options?: Partial<ImportOptions> } {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (json.mapping && typeof json.mapping === 'object') {
    return { mapping: json.mapping as Record<string, string>, options: (json.options ?? {}) as Partial<ImportOptions> };
  }
  return { mapping: json as Record<string, string> };
}

/** Progress on stderr: a bar redrawn in place on a terminal, a line per batch otherwise. */
export function progressPrinter(locale: Locale) {
  const tty = process.stderr.isTTY;
  return (job: { processedRows: number; bytesDone: number; fileSize: number; status: string; created: number; rejected: number }) => {
    const pct = job.status === 'done' ? 100 : job.fileSize ? Math.floor((job.bytesDone / job.fileSize) * 100) : 0;
    const text = t(locale, 'cli.import.progress', { rows: job.processedRows, created: job.created, rejected: job.rejected });
    if (tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${text}`);
      if (job.status === 'done') process.stderr.write('\n');
    } else {
      process.stderr.write(`progress ${pct}% rows=${job.processedRows} ${text}\n`);
    }
  };
}
