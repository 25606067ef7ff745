import { Space, Tag, Tooltip, Typography } from 'antd';
import { formatDateTime } from '../../platform/format';
import { localized, useI18n, useT, type Lang } from '../../platform/i18n';
import type { FeedbackCategoryRef, FeedbackCategoryView, FeedbackItemView, FeedbackSentiment, FeedbackStatus } from './api';

const SENTIMENT_COLOR: Record<FeedbackSentiment, string> = { neg: 'red', neu: 'default', pos: 'green' };
const STATUS_COLOR: Record<FeedbackStatus, string> = { new: 'blue', in_progress: 'processing', replied: 'green', closed: 'default' };

export const pct = (x: number | null | undefined) => Math.round((x ?? 0) * 100);

/** The sentiment shown: the agent's correction when there is one (the analysis' label in the tooltip), else the analysis'. */
export function SentimentTag({ item }: { item: Pick<FeedbackItemView, 'sentiment' | 'sentimentCorrected' | 'sentimentScore'> }) {
  const t = useT();
  const shown = item.sentimentCorrected ?? item.sentiment;
  const tag = (
    <Tag color={SENTIMENT_COLOR[shown]} data-testid="fb-sentiment" data-sentiment={shown} style={{ marginInlineEnd: 0 }}>
      {t(`fb.sentiment.${shown}`)}
      {item.sentimentCorrected ? ' ✎' : ''}
    </Tag>
  );
  return item.sentimentCorrected ? <Tooltip title={t('fb.sentiment.corrected', { was: t(`fb.sentiment.${item.sentiment}`) })}>{tag}</Tooltip> : tag;
}

export function StatusTag({ status }: { status: FeedbackStatus }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="fb-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`fb.status.${status}`)}
    </Tag>
  );
}

export const categoryName = (c: FeedbackCategoryRef, lang: Lang) => localized(c, lang, 'name');

/** The category of a row: the applied one, or the suggestion (「建议」 tag and its confidence) when only suggested. */
export function CategoryCell({ item }: { item: FeedbackItemView }) {
  const t = useT();
  const { lang } = useI18n();
  if (item.category) return <span data-testid="fb-category">{categoryName(item.category, lang)}</span>;
  if (item.suggestedCategory)
    return (
      <Space size={4} wrap data-testid="fb-category" data-suggested="1">
        <Tag color="gold" style={{ marginInlineEnd: 0 }}>
          {t('fb.suggested')}
        </Tag>
        <span>{categoryName(item.suggestedCategory, lang)}</span>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('fb.confidence', { p: pct(item.categoryConfidence) })}
        </Typography.Text>
      </Space>
    );
  return <Typography.Text type="secondary">{t('fb.uncategorised')}</Typography.Text>;
}

/** Overdue: the deadline passed while the item still waits for an answer (new or in progress). */
export const isOverdue = (item: Pick<FeedbackItemView, 'dueAt' | 'status'>, now = Date.now()) =>
  !!item.dueAt && (item.status === 'new' || item.status === 'in_progress') && new Date(item.dueAt).getTime() < now;

export function DueTime({ item }: { item: Pick<FeedbackItemView, 'dueAt' | 'status'> }) {
  const t = useT();
  if (!item.dueAt) return <Typography.Text type="secondary">—</Typography.Text>;
  const late = isOverdue(item);
  return (
    <Typography.Text type={late ? 'danger' : undefined} data-testid="fb-due" data-overdue={late ? '1' : '0'}>
      {formatDateTime(item.dueAt)}
      {late ? ` · ${t('fb.overdue')}` : ''}
    </Typography.Text>
  );
}

type TreeNode = { value: string; title: string; disabled?: boolean; children?: TreeNode[] };

/** The category tree for a TreeSelect: archived categories left out unless `keep` (the current value) is one. */
export function categoryTree(categories: FeedbackCategoryView[], lang: Lang, keep?: string | null): TreeNode[] {
  const shown = categories.filter((c) => !c.archived || c.id === keep);
  const build = (parent: string | null, depth: number): TreeNode[] =>
    shown
      .filter((c) => c.parentId === parent)
      .sort((a, b) => a.position - b.position)
      .map((c) => {
        const children = depth < 5 ? build(c.id, depth + 1) : [];
        return { value: c.id, title: localized(c, lang, 'name'), ...(c.archived ? { disabled: true } : {}), ...(children.length ? { children } : {}) };
      });
  return build(null, 0);
}
