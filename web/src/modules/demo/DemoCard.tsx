import { App, Button, Card, InputNumber, Space, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { DEMO_KEY, startDemo, useDemoStatus } from './api';
import { DemoProgress } from './DemoProgress';
import { useMutation } from '../../platform/forms';

/** Settings: load the heating demo, or see what was loaded. */
export function DemoCard() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const status = useDemoStatus();
  const [size, setSize] = useState(50_000);
  const start = useMutation({
    mutationFn: () => startDemo(size),
    onSuccess: (s) => {
      qc.setQueryData(DEMO_KEY, s);
      message.success(t('demo.started'));
    },
  });
  const s = status.data;
  return (
    <Card title={t('demo.title')} style={{ maxWidth: 560, marginTop: 16 }} data-testid="demo-card">
      {start.error ? <ErrorAlert error={start.error} /> : null}
      {s?.status === 'loading' ? <DemoProgress /> : null}
      {s?.status === 'done' ? (
        <Space orientation="vertical">
          <Typography.Text>{t('demo.done', { customers: s.customers.toLocaleString(), transactions: s.transactions.toLocaleString(), seconds: s.seconds ?? 0 })}</Typography.Text>
          <Typography.Text type="secondary" copyable={{ text: s.fingerprint ?? '' }}>
            {t('demo.fingerprint')}: {s.fingerprint?.slice(0, 16)}…
          </Typography.Text>
        </Space>
      ) : null}
      {s?.status === 'none' || s?.status === 'failed' ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {s.status === 'failed' ? <Typography.Text type="danger">{t('demo.failed', { error: s.error ?? '' })}</Typography.Text> : null}
          <Typography.Paragraph type="secondary">{t('demo.none')}</Typography.Paragraph>
          <Space>
            <span>{t('demo.size')}</span>
            <InputNumber aria-label={t('demo.size')} min={100} max={200_000} step={10_000} value={size} onChange={(v) => setSize(v ?? 50_000)} />
            <Button type="primary" loading={start.isPending} onClick={() => start.mutate()}>
              {t('demo.load')}
            </Button>
          </Space>
        </Space>
      ) : null}
    </Card>
  );
}
