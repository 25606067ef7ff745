import { Alert, Card, Table, Tag, Typography } from 'antd';
import { localized, useI18n, type MessageKey } from '../../platform/i18n';
import { formatFen } from '../transactions';
import type { FitSummary, RunDetail, RfmCuts } from './api';

const MODEL_NAMES: Record<string, string> = { mbgnbd: 'MBG/NBD', bgnbd: 'BG/NBD', pnbd: 'Pareto/NBD', gg: 'Gamma-Gamma', sbg: 'sBG' };
export const FIT_ORDER = ['mbgnbd', 'bgnbd', 'pnbd', 'gg', 'sbg'] as const;

export const modelName = (key: string) => MODEL_NAMES[key] ?? key;

/** What a reader must know before trusting the run's figures: warnings (old data, no buyers, a fallback model). */
export function RunWarnings({ run }: { run: RunDetail }) {
  const { t, lang } = useI18n();
  const warnings = run.diagnostics?.warnings ?? [];
  const used = run.fits?.used;
  return (
    <>
      {warnings.length ? (
        <Alert
          type="warning"
          showIcon
          data-testid="analytics-warnings"
          title={t('analytics.warnings')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {warnings.map((w) => (
                <li key={w.code}>{localized(w, lang)}</li>
              ))}
            </ul>
          }
        />
      ) : null}
      {run.fits ? (
        <Typography.Text type="secondary" data-testid="analytics-model-used">
          {used ? t('analytics.model.used', { model: modelName(used) }) : t('analytics.model.none')}
        </Typography.Text>
      ) : null}
    </>
  );
}

/** A fit's outcome in words: converged (and used), or why not. */
export function FitOutcome({ name, fit, used }: { name: string; fit: FitSummary; used: string | null | undefined }) {
  const { t } = useI18n();
  if (fit.converged && (fit.stop ?? 'converged') === 'converged') {
    return (
      <>
        <Tag color="green">{t('analytics.fit.converged')}</Tag>
        {used === name ? <Tag color="blue">{t('analytics.fit.used')}</Tag> : null}
      </>
    );
  }
  const stop = fit.stop && fit.stop !== 'converged' ? fit.stop : 'stalled';
  return <Tag color="orange">{t(`analytics.fit.stop.${stop}` as MessageKey, { names: (fit.atBound ?? []).join(', ') })}</Tag>;
}

/** The RFM cut points the run used: per score, the range of values that got it and how many customers. */
export function RfmCutsCard({ cuts }: { cuts: RfmCuts }) {
  const { t } = useI18n();
  const range = (dim: 'r' | 'f' | 'm', c: RfmCuts['r'][number]) => {
    if (!c.count) return '—';
    const show = (v: number | null) => (v === null ? '—' : dim === 'm' ? formatFen(v) : v.toLocaleString());
    const text = c.min === null ? '—' : c.min === c.max ? show(c.min) : `${show(c.min)} – ${show(c.max)}`;
    return t('analytics.rfmCuts.cell', { range: text, count: c.count.toLocaleString() });
  };
  const rows = [5, 4, 3, 2, 1].map((score) => ({ score }));
  return (
    <Card size="small" title={t('analytics.rfmCuts', { method: t(`analytics.rfmCuts.${cuts.method}` as MessageKey) })} data-testid="analytics-rfm-cuts">
      <Table
        size="small"
        pagination={false}
        rowKey="score"
        dataSource={rows}
        columns={[
          { title: t('analytics.rfmCuts.score'), dataIndex: 'score', width: 70 },
          ...(['r', 'f', 'm'] as const).map((dim) => ({
            title: t(`analytics.rfmCuts.${dim}` as MessageKey),
            key: dim,
            render: (_: unknown, r: { score: number }) => range(dim, cuts[dim][r.score - 1]!),
          })),
        ]}
      />
    </Card>
  );
}
