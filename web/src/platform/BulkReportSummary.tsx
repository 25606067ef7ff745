import type { ReactNode } from 'react';
import type { Translate } from './i18n';

/** Refusals listed in the message at most; the rest are counted. */
const LISTED = 5;

/** A bulk change's report as the bulk endpoints return it (tickets, tasks). */
export type BulkReport = { done: number; unchanged: number; refused: number; items: { id: string; outcome: string }[] };

/**
 * What a bulk change did, as one message: how many changed (or that none did), how many already were so, then how
 * many were refused and each refusal with its reason (the first five; the rest counted). Each module passes its own
 * words; the shape is the same in the ticket queue and in 我的任务. (A function, not a component: it is shown by
 * antd's `message`, outside the page's tree.)
 */
export function bulkReportSummary<I extends BulkReport['items'][number]>(
  t: Translate,
  {
  report,
  done,
  noneDone,
  unchanged,
  refusedHead,
  refusedItem,
  more,
  testId,
  itemTestId,
}: {
  report: Omit<BulkReport, 'items'> & { items: I[] };
  done: string;
  noneDone: string;
  unchanged: (n: number) => string;
  refusedHead: (n: number) => string;
  refusedItem: (item: I) => string;
  more: (n: number) => string;
  testId: string;
  itemTestId?: string;
}): ReactNode {
  const sep = t('sep.semicolon');
  const head = [report.done || !report.refused ? done : noneDone, report.unchanged ? unchanged(report.unchanged) : ''].filter(Boolean).join(sep);
  const refused = report.items.filter((x) => x.outcome === 'refused');
  return (
    <span data-testid={testId} style={{ display: 'inline-block', textAlign: 'start', verticalAlign: 'top' }}>
      {head}
      {refused.length ? (
        <>
          {sep}
          {refusedHead(refused.length)}
          {refused.slice(0, LISTED).map((x) => (
            <span key={x.id} data-testid={itemTestId} style={{ display: 'block' }}>
              {refusedItem(x)}
            </span>
          ))}
          {refused.length > LISTED ? <span style={{ display: 'block' }}>{more(refused.length - LISTED)}</span> : null}
        </>
      ) : null}
    </span>
  );
}
