import type { ReactNode } from 'react';
import { Empty, Space, Timeline, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, EyeOutlined, PlusCircleOutlined, RollbackOutlined, TeamOutlined } from '@ant-design/icons';
import { formatDateTimeSeconds } from '../../platform/format';
import { useI18n, useT, type MessageKey } from '../../platform/i18n';
import { fieldLabel as customFieldLabel, useCustomFields, formatCustomValue } from '../fields';
import { useTeams, useUsers } from '../accounts';
import { ErrorAlert, Loading } from '../../platform/ui';
import { useCustomerHistory, type AuditView } from './api';
import { changeLines, contactLines, type ChangeLine, type Lookup } from './historyFormat';
import { fieldLabel } from './labels';

const ICONS: Record<string, { icon: ReactNode; color: string }> = {
  create: { icon: <PlusCircleOutlined />, color: 'green' },
  update: { icon: <EditOutlined />, color: 'blue' },
  delete: { icon: <DeleteOutlined />, color: 'red' },
  restore: { icon: <RollbackOutlined />, color: 'green' },
  reveal: { icon: <EyeOutlined />, color: 'orange' },
};

function Lines({ lines }: { lines: ChangeLine[] }) {
  return (
    <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
      {lines.map((l) => (
        <li key={l.field} data-testid="history-change">
          <Typography.Text type="secondary">{l.label}:</Typography.Text>{' '}
          {l.before !== null ? (
            <>
              <Typography.Text delete type="secondary">
                {l.before}
              </Typography.Text>{' '}
              →{' '}
            </>
          ) : null}
          <Typography.Text>{l.after}</Typography.Text>
        </li>
      ))}
    </ul>
  );
}

/** The customer's change history (变更历史): who did what when, and each changed field before → after. */
export function HistoryTab({ customerId }: { customerId: string }) {
  const t = useT();
  const history = useCustomerHistory(customerId);
  const users = useUsers();
  const teams = useTeams();
  const customFields = useCustomFields(true);
  const { lang } = useI18n();

  if (history.isPending) return <Loading />;
  if (history.error) return <ErrorAlert error={history.error} onRetry={() => void history.refetch()} />;
  if (!history.data.length) return <Empty description={t('history.empty')} />;

  const lookup: Lookup = {
    user: (id) => users.data?.find((u) => u.id === id)?.displayName,
    team: (id) => teams.data?.find((tm) => tm.id === id)?.name,
    custom: (key) => {
      const f = customFields.data?.find((x) => x.key === key);
      return f && { label: customFieldLabel(f, lang), value: (v) => formatCustomValue(f, v, lang, [t('common.yes'), t('common.no')]) };
    },
  };
  const actionLabel = (a: string) => {
    const key = `history.action.${a}` as MessageKey;
    const label = t(key);
    return label === key ? a : label;
  };
  const details = (e: AuditView) => {
    if (e.action === 'create' || e.action === 'update' || e.action === 'consent_withdraw') {
      const lines = changeLines(t, e, lookup).filter((l) => !(e.action === 'create' && l.after === t('history.emptyValue')));
      return <Lines lines={lines} />;
    }
    if (e.action.startsWith('contact_')) return <Lines lines={contactLines(t, e, lookup)} />;
    if (e.action === 'reveal') {
      const fields = ((e.changes as { fields?: string[] } | null)?.fields ?? []).map((f) => fieldLabel(t, f)).join(t('sep.list'));
      return <Typography.Text type="secondary">{t('history.revealed', { fields })}</Typography.Text>;
    }
    return null;
  };

  return (
    <Timeline
      data-testid="history"
      items={history.data.map((e) => {
        const style = ICONS[e.action] ?? (e.action.startsWith('contact_') ? { icon: <TeamOutlined />, color: 'cyan' } : { icon: undefined, color: 'gray' });
        return {
          key: e.id,
          color: style.color,
          icon: style.icon,
          content: (
            <div data-testid="history-entry">
              <Space wrap size={8}>
                <Typography.Text type="secondary">{formatDateTimeSeconds(e.at)}</Typography.Text>
                <Typography.Text strong>{e.actorName ?? t(`history.via.${e.via === 'cli' ? 'cli' : 'system'}`)}</Typography.Text>
                {e.via === 'token' ? <Typography.Text type="secondary">{t('history.via.token')}</Typography.Text> : null}
                <Typography.Text>{actionLabel(e.action)}</Typography.Text>
              </Space>
              {details(e)}
            </div>
          ),
        };
      })}
    />
  );
}
