import { Rate, Tag } from 'antd';
import { localized, useI18n, useT, type Lang } from '../../platform/i18n';
import type { TicketCategoryView, TicketStatus, TicketType } from './api';

const STATUS_COLOR: Record<TicketStatus, string> = {
  new: 'blue',
  assigned: 'cyan',
  in_progress: 'processing',
  waiting_on_customer: 'gold',
  resolved: 'green',
  closed: 'default',
};
const TYPE_COLOR: Record<TicketType, string> = { complaint: 'red', repair: 'orange', inquiry: 'blue', suggestion: 'purple' };

export function StatusTag({ status }: { status: TicketStatus }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="ticket-status" data-status={status}>
      {t(`tk.status.${status}`)}
    </Tag>
  );
}

export function TypeTag({ type }: { type: TicketType }) {
  const t = useT();
  return <Tag color={TYPE_COLOR[type]}>{t(`tk.type.${type}`)}</Tag>;
}

export function Stars({ value }: { value: number | null }) {
  if (value === null) return null;
  return (
    <span data-testid="ticket-rating" data-rating={value}>
      <Rate disabled value={value} style={{ fontSize: 14 }} />
    </span>
  );
}

/** A category's name in the UI language. */
export function useCategoryName(categories: TicketCategoryView[] | undefined) {
  const { lang } = useI18n();
  return (id: string | null, fallback: string | null) => {
    const c = id ? categories?.find((x) => x.id === id) : undefined;
    return c ? localized(c, lang, 'name') : (fallback ?? '');
  };
}

/** Categories as options, children indented under their parent. */
export function categoryOptions(categories: Pick<TicketCategoryView, 'id' | 'parentId' | 'nameZh' | 'nameEn'>[], lang: Lang, onlyActive = true) {
  const list = categories.filter((c) => !onlyActive || !('active' in c) || (c as TicketCategoryView).active);
  const out: { value: string; label: string }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const c of list.filter((x) => x.parentId === parent)) {
      out.push({ value: c.id, label: `${'　'.repeat(depth)}${localized(c, lang, 'name')}` });
      if (depth < 5) walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
