import { useState } from 'react';
import { App, Button, Card, Descriptions, Drawer, Empty, Flex, Grid, Input, Popconfirm, Progress, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading } from '../../platform/ui';
import { PERFORMANCE_KPIS, performanceKeys, useTrainingNotes, type PerformanceRow, type TrainingNoteView } from './api';
import { figures, RankTag, ScoreBar } from './view';

const NOTE_MAX = 2000;

/** Each KPI's percentile among the agents on the page (100 best), as thin bars. */
function Parts({ row }: { row: PerformanceRow }) {
  const t = useT();
  return (
    <Card size="small" title={t('performance.parts')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('performance.parts.help')}</Typography.Text>}>
      {PERFORMANCE_KPIS.map((k) => {
        const p = row.parts[k];
        return (
          <Flex key={k} align="center" gap={8} data-testid={`perf-part-${k}`}>
            <Typography.Text style={{ width: 96, flex: 'none', fontSize: 13 }}>{t(`performance.kpi.${k}`)}</Typography.Text>
            <Progress percent={p ?? 0} size="small" format={() => (p === null ? '—' : String(Math.round(p)))} style={{ marginBottom: 0, flex: 1 }} />
          </Flex>
        );
      })}
    </Card>
  );
}

/** The training notes, newest first, with an add form and removal for managers. */
function Notes({ userId }: { userId: string }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const notes = useTrainingNotes(userId);
  const [text, setText] = useState('');
  const manager = can('performance:manage');
  const add = useMutation({
    mutationFn: (note: string) => api.post<TrainingNoteView>('/api/v1/performance/notes', { userId, note }),
    onSuccess: (n) => {
      setText('');
      message.success(t('performance.notes.added'));
      qc.setQueryData<TrainingNoteView[]>(performanceKeys.notes(userId), (old) => [n, ...(old ?? []).filter((o) => o.id !== n.id)]);
      void qc.invalidateQueries({ queryKey: performanceKeys.notes(userId) });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/performance/notes/${id}`),
    onSuccess: (_, id) => {
      message.success(t('performance.notes.deleted'));
      qc.setQueryData<TrainingNoteView[]>(performanceKeys.notes(userId), (old) => (old ?? []).filter((o) => o.id !== id));
      void qc.invalidateQueries({ queryKey: performanceKeys.notes(userId) });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const items = notes.data ?? [];
  return (
    <Card size="small" title={t('performance.notes')}>
      {manager ? (
        <Flex vertical gap={8} style={{ marginBottom: 12 }}>
          <Input.TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('performance.notes.placeholder')}
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={NOTE_MAX}
            data-testid="perf-note-input"
          />
          <Button type="primary" disabled={!text.trim()} loading={add.isPending} onClick={() => add.mutate(text.trim())} style={{ alignSelf: 'flex-end' }} data-testid="perf-note-add">
            {t('performance.notes.add')}
          </Button>
        </Flex>
      ) : null}
      {notes.error ? <ErrorAlert error={notes.error} onRetry={() => void notes.refetch()} /> : null}
      {notes.isPending ? <Loading /> : null}
      {!notes.isPending && !items.length ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('performance.notes.empty')} /> : null}
      <Flex vertical gap={8} data-testid="perf-notes">
        {items.map((n) => (
          <div key={n.id} data-testid="perf-note" style={{ borderInlineStart: '3px solid #d6e4ff', paddingInlineStart: 10 }}>
            <Typography.Paragraph style={{ marginBottom: 2, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{n.note}</Typography.Paragraph>
            <Flex justify="space-between" align="center" gap={8}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('performance.notes.by', { name: n.author?.name ?? '—', time: formatDateTime(n.createdAt) })}
              </Typography.Text>
              {manager ? (
                <Popconfirm title={t('performance.notes.deleteConfirm')} onConfirm={() => remove.mutate(n.id)}>
                  <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="perf-note-delete" />
                </Popconfirm>
              ) : null}
            </Flex>
          </div>
        ))}
      </Flex>
    </Card>
  );
}

/** An agent's month: rank, score and KPIs, each KPI's percentile, and their training notes. */
export function AgentDrawer({ row, onClose }: { row: PerformanceRow | null; onClose: () => void }) {
  const t = useT();
  const isPhone = !Grid.useBreakpoint().md;
  return (
    <Drawer
      open={!!row}
      size={isPhone ? '100%' : 560}
      onClose={onClose}
      destroyOnHidden
      title={
        row ? (
          <Flex align="center" gap={8} data-testid="perf-drawer-title">
            <RankTag rank={row.rank} />
            <span>{row.user.name}</span>
            {row.team ? (
              <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: 'normal' }}>
                {row.team.name}
              </Typography.Text>
            ) : null}
          </Flex>
        ) : null
      }
    >
      {row ? (
        <Flex vertical gap={12} data-testid="perf-drawer">
          <div>
            <Typography.Text type="secondary">{t('performance.col.score')}</Typography.Text>
            <ScoreBar score={row.score} />
          </div>
          <Descriptions size="small" bordered column={1} items={figures(t, row).map((f) => ({ key: f.key, label: f.label, children: f.node }))} />
          <Parts row={row} />
          <Notes userId={row.user.id} />
        </Flex>
      ) : null}
    </Drawer>
  );
}
