import { useSearchParams } from 'react-router';
import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import { useT } from '../../platform/i18n';
import type { Days } from './api';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A company day from the address, or undefined when absent or not a day. */
const dayOf = (v: string | null): string | undefined => (v && DAY.test(v) && dayjs(v).isValid() ? v : undefined);

/**
 * The /loyalty page's filters in the address (`?tab=…&tier=…&status=…&from=…&to=…`), so a link from the home tile or
 * the reports opens the filtered list and a reload keeps it. `set` merges a patch (an empty value removes the key)
 * and keeps the open tab; a reversed range is read as no range.
 */
export function useLoyaltyParams() {
  const [params, setParams] = useSearchParams();
  const from = dayOf(params.get('from'));
  const to = dayOf(params.get('to'));
  const days: Days = from && to && to < from ? {} : { from, to };
  const set = (patch: Record<string, string | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  return { params, days, set };
}

/** The days of a list or the report, as a range picker over `from`/`to`. */
export function DayRangeFilter({ days, onChange, allowClear = true, testId }: { days: Days; onChange: (days: Days) => void; allowClear?: boolean; testId: string }) {
  const t = useT();
  return (
    <span data-testid={testId}>
      <DatePicker.RangePicker
        allowClear={allowClear}
        allowEmpty={allowClear ? [true, true] : undefined}
        value={[days.from ? dayjs(days.from) : null, days.to ? dayjs(days.to) : null]}
        placeholder={[t('loy.filter.from'), t('loy.filter.to')]}
        onChange={(v) => onChange({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })}
      />
    </span>
  );
}
