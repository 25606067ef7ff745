import { useEffect, useRef } from 'react';
import { Alert, Progress } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { useDemoStatus } from './api';

/** A banner while demo data loads (admins only): progress, then a note when it is done this session. */
export function DemoProgress() {
  const t = useT();
  const { can } = useAuth();
  const status = useDemoStatus(can('settings:manage'));
  const s = status.data;
  const qc = useQueryClient();
  const was = useRef(s?.status);
  // When a load finishes, the lists on screen are out of date.
  useEffect(() => {
    if (was.current === 'loading' && s?.status !== 'loading') void qc.invalidateQueries();
    was.current = s?.status;
  }, [s?.status, qc]);
  if (!s || s.status !== 'loading') return null;
  const history = s.history && s.history.scripts > 0 ? s.history : null;
  const percent = history ? Math.floor((history.played / history.scripts) * 100) : s.size ? Math.floor((s.loaded / s.size) * 100) : 0;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      title={
        history
          ? t('demo.history', { played: history.played.toLocaleString(), scripts: history.scripts.toLocaleString(), percent })
          : t('demo.loading', { loaded: s.loaded.toLocaleString(), total: (s.size ?? 0).toLocaleString(), percent, transactions: s.transactions.toLocaleString() })
      }
      description={<Progress percent={percent} size="small" />}
      data-testid="demo-progress"
    />
  );
}
