import { useEffect, useRef } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Descriptions, Popconfirm, Progress, Tabs, Typography } from 'antd';
import { CheckOutlined, DeleteOutlined, EditOutlined, FieldTimeOutlined, RocketOutlined, StopOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { displayCurrencySymbol, formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { bpPercent, campaignKeys, launchRunning, useCampaign, yuan, type CampaignView, type LaunchView, type OfferView } from './api';
import { useSegment } from '../segments';
import { Redemptions } from './Redemptions';
import { Results } from './Results';
import { StatusTag } from './StatusTag';

const PHASES = ['draw', 'assign', 'codes', 'send'] as const;

/** The latest launch while it runs (phase, done / total), or why it failed. */
function LaunchProgress({ launch }: { launch: LaunchView }) {
  const t = useT();
  if (launch.status === 'failed') return <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('campaigns.launch.failed', { error: launch.error ?? '' })} data-testid="launch-failed" />;
  if (!launchRunning(launch)) return null;
  const { phase, done, total } = launch.progress;
  const phaseText = (PHASES as readonly string[]).includes(phase) ? t(`campaigns.launch.phase.${phase as (typeof PHASES)[number]}`) : phase;
  const step = Math.max(0, (PHASES as readonly string[]).indexOf(phase));
  const percent = Math.round(((step + (total > 0 ? done / total : 0)) / PHASES.length) * 100);
  return (
    <Card size="small" style={{ marginBottom: 16 }} data-testid="launch-progress">
      <Typography.Text type="secondary">{launch.status === 'queued' ? t('campaigns.launch.queued') : t('campaigns.launch.running', { phase: phaseText, done, total })}</Typography.Text>
      <Progress percent={percent} status="active" size="small" />
    </Card>
  );
}

function offerText(t: ReturnType<typeof useT>, o: OfferView): string {
  const money = (fen: number | null) => yuan(fen, displayCurrencySymbol());
  const what =
    o.kind === 'percent'
      ? bpPercent(o.percentOffBp ?? 0)
      : o.kind === 'threshold'
        ? `${money(o.thresholdFen)} − ${money(o.discountFen)}`
        : o.kind === 'points_multiplier'
          ? `×${((o.multiplierX100 ?? 100) / 100).toString()}`
          : (o.detail ?? '');
  const code = o.codeMode === 'shared' ? `${t('campaigns.offer.code.shared')} ${o.sharedCode ?? ''}` : t(`campaigns.offer.code.${o.codeMode}`);
  const validity = o.validFrom || o.validTo ? ` · ${t('campaigns.settings.validity', { from: o.validFrom ?? '…', to: o.validTo ?? '…' })}` : '';
  return `${t(`campaigns.offer.kind.${o.kind}`)} · ${o.name} · ${what} · ${code}${validity} · ${t('campaigns.settings.limit', { n: o.perCustomerLimit })}`;
}

/** 设置: the campaign as saved, read-only. */
function Settings({ c }: { c: CampaignView }) {
  const t = useT();
  const money = (fen: number) => yuan(fen, displayCurrencySymbol());
  return (
    <Descriptions bordered size="small" column={1} data-testid="campaign-settings">
      <Descriptions.Item label={t('campaigns.field.goal')}>
        {t(`campaigns.goal.${c.goal}`)} · {c.goal === 'spend_per_head' ? `+${money(c.goalTarget)}` : t('campaigns.results.points', { n: `+${c.goalTarget / 100}` })}
      </Descriptions.Item>
      {c.description ? <Descriptions.Item label={t('campaigns.field.description')}>{c.description}</Descriptions.Item> : null}
      <Descriptions.Item label={t('campaigns.step.audience')}>
        {c.segmentName ?? '—'} · {t('campaigns.col.holdout')} {bpPercent(c.holdoutBp)}
      </Descriptions.Item>
      <Descriptions.Item label={t('campaigns.settings.offers')}>{c.offers.length ? c.offers.map((o) => <div key={o.id}>{offerText(t, o)}</div>) : t('campaigns.summary.none')}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.settings.templates')}>
        {c.channels.length ? c.channels.map((ch) => `${t(`campaigns.channel.${ch.channel}`)}：${ch.templateName}`).join('；') : t('campaigns.summary.none')}
      </Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.startsAt')}>{c.startsAt ? formatDateTime(c.startsAt) : t('campaigns.summary.manual')}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.attributionDays')}>{c.attributionDays}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.budget')}>{money(c.budgetFen)}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.costPerMessage')}>{money(c.costPerMessageFen)}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.costPerRedemption')}>{money(c.costPerRedemptionFen)}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.margin')}>{bpPercent(c.marginBp)}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.settings.owner')}>{c.owner?.name ?? '—'}</Descriptions.Item>
      {c.approvedBy && c.approvedAt ? <Descriptions.Item label={t('campaigns.approved')}>{t('campaigns.approvedBy', { name: c.approvedBy.name, at: formatDateTime(c.approvedAt) })}</Descriptions.Item> : null}
      <Descriptions.Item label={t('campaigns.col.launched')}>{formatDateTime(c.launchedAt)}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.col.ends')}>{formatDateTime(c.endsAt)}</Descriptions.Item>
    </Descriptions>
  );
}

/** The header's actions, by the campaign's state and the user's permissions. */
function Actions({ c }: { c: CampaignView }) {
  const t = useT();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const audience = useSegment(c.segmentId ?? undefined);
  const manage = can('campaign:manage');
  const done = (saved: CampaignView, text: string) => {
    message.success(text);
    qc.setQueryData(campaignKeys.one(saved.id), saved);
    void qc.invalidateQueries({ queryKey: campaignKeys.all });
  };
  const action = useMutation({
    mutationFn: ({ verb }: { verb: 'approve' | 'schedule' | 'launch' | 'cancel'; version: number }) => api.post<CampaignView>(`/api/v1/campaigns/${c.id}/${verb}`, { version: c.version }),
    onSuccess: (saved, { verb }) =>
      done(
        saved,
        verb === 'approve' ? t('campaigns.approved') : verb === 'schedule' ? t('campaigns.scheduled', { at: formatDateTime(saved.startsAt) }) : verb === 'launch' ? t('campaigns.launched') : t('campaigns.cancelled'),
      ),
    onError: (err) => message.error(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/campaigns/${c.id}`),
    onSuccess: () => {
      message.success(t('campaigns.deleted'));
      void qc.invalidateQueries({ queryKey: campaignKeys.all });
      void navigate('/campaigns');
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const run = (verb: 'approve' | 'schedule' | 'launch' | 'cancel') => action.mutate({ verb, version: c.version });
  const confirmLaunch = () => {
    const total = audience.data?.memberCount ?? 0;
    const holdout = Math.floor((total * c.holdoutBp) / 10000);
    modal.confirm({
      title: t('campaigns.launchConfirm', { name: c.name }),
      content: <span data-testid="launch-confirm-body">{t('campaigns.launchConfirmBody', { total, treated: total - holdout, holdout, pct: bpPercent(c.holdoutBp) })}</span>,
      okText: t('campaigns.launch'),
      cancelText: t('common.cancel'),
      onOk: () => run('launch'),
    });
  };
  const editable = c.status === 'draft' || c.status === 'scheduled';
  const busy = action.isPending || launchRunning(c.launch);
  return (
    <>
      {manage && editable ? (
        <Button icon={<EditOutlined />} onClick={() => void navigate(`/campaigns/${c.id}/edit`)} data-testid="campaign-edit">
          {t('campaigns.edit')}
        </Button>
      ) : null}
      {c.needsApproval && can('campaign:approve') && editable ? (
        <Button icon={<CheckOutlined />} loading={action.isPending} onClick={() => run('approve')} data-testid="campaign-approve">
          {t('campaigns.approve')}
        </Button>
      ) : null}
      {manage && c.status === 'draft' && c.startsAt ? (
        <Button icon={<FieldTimeOutlined />} disabled={busy} onClick={() => run('schedule')} data-testid="campaign-schedule">
          {t('campaigns.schedule')}
        </Button>
      ) : null}
      {manage && editable ? (
        <Button type="primary" icon={<RocketOutlined />} disabled={busy} loading={action.isPending} onClick={confirmLaunch} data-testid="campaign-launch">
          {t('campaigns.launch')}
        </Button>
      ) : null}
      {manage && (editable || c.status === 'running') ? (
        <Popconfirm title={t('campaigns.cancelConfirm')} onConfirm={() => run('cancel')}>
          <Button danger icon={<StopOutlined />} disabled={action.isPending} data-testid="campaign-cancel">
            {t('campaigns.cancel')}
          </Button>
        </Popconfirm>
      ) : null}
      {manage && c.status === 'draft' ? (
        <Popconfirm title={t('campaigns.deleteConfirm')} onConfirm={() => remove.mutate()}>
          <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('campaigns.delete')} data-testid="campaign-delete" />
        </Popconfirm>
      ) : null}
    </>
  );
}

/** A campaign: status and actions, the launch's progress, then 效果 / 核销记录 / 设置. */
export function CampaignPage() {
  const { id = '' } = useParams();
  const t = useT();
  const qc = useQueryClient();
  const campaign = useCampaign(id);
  const c = campaign.data;
  // When a launch finishes, the results and the list change.
  const wasRunning = useRef(false);
  const running = launchRunning(c?.launch);
  useEffect(() => {
    if (wasRunning.current && !running) void qc.invalidateQueries({ queryKey: campaignKeys.all });
    wasRunning.current = running;
  }, [running, qc]);
  if (campaign.error) return <ErrorAlert error={campaign.error} onRetry={() => void campaign.refetch()} />;
  if (!c) return <Loading />;
  return (
    <>
      <PageHeader back="/campaigns" title={<span data-testid="campaign-title">{c.name}</span>} subtitle={<StatusTag status={c.status} />} extra={<Actions c={c} />} />
      {c.needsApproval ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('campaigns.needsApproval')} /> : null}
      {c.launch ? <LaunchProgress launch={c.launch} /> : null}
      {c.launchedAt && !running ? (
        <Typography.Paragraph type="secondary" data-testid="campaign-groups">
          {t('campaigns.launch.done', { treated: c.treatedCount, holdout: c.holdoutCount })}
        </Typography.Paragraph>
      ) : null}
      <Tabs
        defaultActiveKey={c.launchedAt ? 'results' : 'settings'}
        items={[
          { key: 'results', label: t('campaigns.tab.results'), children: <Results campaign={c} /> },
          { key: 'redemptions', label: t('campaigns.tab.redemptions'), children: <Redemptions campaign={c} /> },
          { key: 'settings', label: t('campaigns.tab.settings'), children: <Settings c={c} /> },
        ]}
      />
    </>
  );
}
