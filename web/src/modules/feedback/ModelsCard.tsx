import { App, Alert, Button, Card, Descriptions, Flex, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../platform/api';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { FEEDBACK_MODEL_RULES, feedbackKeys, postFeedbackRetrain, useFeedbackModels, type FeedbackModelsView } from './api';

const busy = (m: FeedbackModelsView | undefined) => !!m?.run && (m.run.status === 'queued' || m.run.status === 'running');

/**
 * 公司模型 (administrators, on 反馈分析): the company's sentiment and category models learnt from the agents'
 * corrections — their versions, the corrections waiting, why a kind cannot be trained yet — and 重新训练, a background
 * run whose outcome shows here when it ends.
 */
export function ModelsCard() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const models = useFeedbackModels();
  const m = models.data;
  const retrain = useMutation({
    mutationFn: () => postFeedbackRetrain(),
    onSuccess: () => void qc.invalidateQueries({ queryKey: feedbackKeys.models }),
    onError: (err) => message.error(errorMessage(err)),
  });
  const blocked = m ? m.blocked.sentiment !== null && m.blocked.category !== null : false;
  const model = (kind: 'sentiment' | 'category') => m?.models.find((x) => x.kind === kind);
  const describe = (kind: 'sentiment' | 'category') => {
    const x = model(kind);
    return x ? t('fm.model', { version: x.version, examples: x.examples, weight: Math.round(x.weight * 100) / 100, at: formatDateTime(x.trainedAt) }) : t('fm.none');
  };
  const run = m?.run;
  return (
    <Card
      size="small"
      title={t('fm.title')}
      data-testid="fm-card"
      extra={
        <Button icon={<ReloadOutlined />} loading={retrain.isPending || busy(m)} disabled={!m || blocked} onClick={() => retrain.mutate()} data-testid="fm-retrain">
          {t('fm.retrain')}
        </Button>
      }
    >
      <ErrorAlert error={models.error} onRetry={() => void models.refetch()} />
      {m ? (
        <>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('fm.sentiment')}>
              <span data-testid="fm-sentiment">{describe('sentiment')}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('fm.category')}>
              <span data-testid="fm-category">{describe('category')}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('fm.corrections')}>
              {t('fm.counts', { neg: m.corrections.sentiment.neg, neu: m.corrections.sentiment.neu, pos: m.corrections.sentiment.pos, category: m.corrections.category })}
            </Descriptions.Item>
          </Descriptions>
          {(['sentiment', 'category'] as const).map((k) =>
            m.blocked[k] ? <Alert key={k} type="info" showIcon style={{ marginTop: 8 }} title={m.blocked[k]} data-testid={`fm-blocked-${k}`} /> : null,
          )}
          {run ? (
            <Flex vertical gap={4} style={{ marginTop: 8 }} data-testid="fm-run">
              <Typography.Text type="secondary">
                {t('fm.run', { at: formatDateTime(run.createdAt) })} <Tag color={run.status === 'done' ? 'green' : run.status === 'failed' ? 'red' : 'blue'}>{t(`fm.status.${run.status}`)}</Tag>
              </Typography.Text>
              {run.results.map((r) => (
                <Typography.Text key={r.kind} data-testid={`fm-result-${r.kind}`}>
                  {t(`fm.${r.kind}`)}：{r.outcome === 'too_few' ? r.message : t(`fm.outcome.${r.outcome}`, { version: r.version ?? 0 })}
                </Typography.Text>
              ))}
              {run.reanalysis ? (
                <Typography.Text type="secondary" data-testid="fm-reanalysis">
                  {t('fm.reanalysis', { items: run.reanalysis.items, changed: run.reanalysis.changed })}
                </Typography.Text>
              ) : null}
              {run.error ? <Typography.Text type="danger">{run.error}</Typography.Text> : null}
            </Flex>
          ) : null}
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
            {t('fm.rule', { min: FEEDBACK_MODEL_RULES.minPerClass, catMin: FEEDBACK_MODEL_RULES.categoryMin })}
          </Typography.Paragraph>
        </>
      ) : null}
    </Card>
  );
}
