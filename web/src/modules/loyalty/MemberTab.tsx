import { useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Progress, Row, Space, Statistic, Tooltip, Typography } from 'antd';
import { GiftOutlined, EditOutlined, UserAddOutlined, CrownOutlined, LinkOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading } from '../../platform/ui';
import type { CustomerView } from '../customers';
import { lastDay, loyaltyKeys, memberPath, points, useAdjustments, useMember, useProgramme, type MemberView } from './api';
import { AdjustDialog, RedeemDialog, SetTierDialog } from './MemberDialogs';
import { LedgerTable, TierHistory } from './MemberHistory';
import { MemberLinkDialog } from './MemberLink';
import { TierTag } from './parts';
import { RedemptionsTable } from './RedemptionsTable';

/** Not a member yet (the GET answered 404): 入会 for loyalty:write. */
function NotMember({ customer }: { customer: CustomerView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const enrol = useMutation({
    mutationFn: () => api.post<MemberView>(memberPath(customer.id)),
    onSuccess: (m) => {
      message.success(t('loy.enrolled', { no: m.memberNo }));
      qc.setQueryData(loyaltyKeys.member(customer.id), m);
      void qc.invalidateQueries({ queryKey: loyaltyKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Empty description={t('loy.notMember')} data-testid="loy-not-member">
      {can('loyalty:write') && !customer.deletedAt ? (
        <Button type="primary" icon={<UserAddOutlined />} loading={enrol.isPending} onClick={() => enrol.mutate()} data-testid="loy-enrol">
          {t('loy.enrol')}
        </Button>
      ) : null}
    </Empty>
  );
}

/** The member card: tier, points, debt, growth and the way to the next tier, points expiring soon, numbers. */
function MemberCard({ member, extra }: { member: MemberView; extra: React.ReactNode }) {
  const t = useT();
  const programme = useProgramme();
  const lowest = programme.data?.tiers[0]?.key === member.tier;
  const next = member.nextTier;
  const percent = next ? Math.min(100, Math.floor((member.growth / Math.max(1, next.threshold)) * 100)) : 100;
  return (
    <Card size="small" data-testid="loy-member-card" extra={extra} title={<TierTag name={member.tierName} lowest={lowest} />} style={{ marginBottom: 16 }}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic title={t('loy.card.balance')} value={member.balance} groupSeparator="," styles={{ content: { color: '#1668dc' } }} data-testid="loy-balance" />
        </Col>
        {member.debt > 0 ? (
          <Col xs={12} md={6}>
            <Tooltip title={t('loy.card.debtHint')}>
              <Statistic title={t('loy.card.debt')} value={member.debt} groupSeparator="," styles={{ content: { color: '#cf1322' } }} data-testid="loy-debt" />
            </Tooltip>
          </Col>
        ) : null}
        <Col xs={24} md={12}>
          <Typography.Text type="secondary">{t('loy.card.growth')}</Typography.Text>
          <div data-testid="loy-growth">
            <Typography.Text strong style={{ fontSize: 18 }}>
              {points(member.growth)}
            </Typography.Text>{' '}
            <Typography.Text type="secondary">{next ? t('loy.card.toNext', { tier: next.name, n: points(Math.max(0, next.threshold - member.growth)) }) : t('loy.card.top')}</Typography.Text>
          </div>
          <Progress percent={percent} showInfo={false} size="small" />
        </Col>
      </Row>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 3 }}
        style={{ marginTop: 12 }}
        items={[
          { key: 'no', label: t('loy.card.memberNo'), children: <span data-testid="loy-member-no">{member.memberNo}</span> },
          {
            key: 'code',
            label: t('loy.card.referralCode'),
            children: (
              <Typography.Text copyable code data-testid="loy-referral-code">
                {member.referralCode}
              </Typography.Text>
            ),
          },
          { key: 'joined', label: t('loy.card.joinedAt'), children: formatDateTime(member.joinedAt) },
          {
            key: 'expiring',
            label: t('loy.card.expiring'),
            span: 3,
            children: (
              <span data-testid="loy-expiring">
                {member.expiringSoon.length
                  ? member.expiringSoon.map((x) => t('loy.card.expiringItem', { points: points(x.points), date: lastDay(x.expiresAt) })).join(t('sep.semicolon'))
                  : t('loy.card.noneExpiring')}
              </span>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** This member's adjustments waiting for a second person (待审批). */
function PendingAdjustments({ customerId }: { customerId: string }) {
  const t = useT();
  const pending = useAdjustments('pending');
  const mine = (pending.data ?? []).filter((a) => a.customerId === customerId);
  if (!mine.length) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="loy-pending"
      title={t('loy.adjust.pendingList')}
      description={
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {mine.map((a) => (
            <li key={a.id} data-testid="loy-pending-item">
              {t('loy.adjust.pendingItem', { points: `${a.points > 0 ? '+' : ''}${points(a.points)}`, reason: a.reason, by: a.requestedByName ?? '—' })}
            </li>
          ))}
        </ul>
      }
    />
  );
}

type Open = 'redeem' | 'adjust' | 'tier' | 'link' | null;

/** 会员积分 on the customer 360 page: the card, the actions, the ledger, tier changes and redemptions. */
export function MemberTab({ customer }: { customer: CustomerView }) {
  const t = useT();
  const { can } = useAuth();
  const member = useMember(customer.id);
  const [open, setOpen] = useState<Open>(null);
  if (member.isPending) return <Loading />;
  if (member.notMember) return <NotMember customer={customer} />;
  if (member.error) return <ErrorAlert error={member.error} onRetry={() => void member.refetch()} />;
  const m = member.data;
  const live = !customer.deletedAt && m.status === 'active';
  const actions = (
    <Space wrap>
      {can('loyalty:write') && live ? (
        <>
          <Button type="primary" icon={<GiftOutlined />} onClick={() => setOpen('redeem')} data-testid="loy-redeem">
            {t('loy.redeem')}
          </Button>
          <Button icon={<EditOutlined />} onClick={() => setOpen('adjust')} data-testid="loy-adjust">
            {t('loy.adjust')}
          </Button>
          <Button icon={<LinkOutlined />} onClick={() => setOpen('link')} data-testid="loy-send-link">
            {t('loy.link.button')}
          </Button>
        </>
      ) : null}
      {can('loyalty:manage') && live ? (
        <Button icon={<CrownOutlined />} onClick={() => setOpen('tier')} data-testid="loy-set-tier">
          {t('loy.setTier')}
        </Button>
      ) : null}
    </Space>
  );
  return (
    <div data-testid="loy-member">
      <MemberCard member={m} extra={actions} />
      <PendingAdjustments customerId={customer.id} />
      <Card size="small" title={t('loy.ledger')} style={{ marginBottom: 16 }}>
        <LedgerTable customerId={customer.id} />
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('loy.tiers')} style={{ marginBottom: 16 }}>
            <TierHistory customerId={customer.id} />
          </Card>
        </Col>
        <Col xs={24} lg={15}>
          <Card size="small" title={t('loy.memberRedemptions')} style={{ marginBottom: 16 }}>
            <RedemptionsTable customerId={customer.id} />
          </Card>
        </Col>
      </Row>
      {open === 'redeem' ? <RedeemDialog member={m} onClose={() => setOpen(null)} /> : null}
      {open === 'adjust' ? <AdjustDialog member={m} onClose={() => setOpen(null)} /> : null}
      {open === 'tier' ? <SetTierDialog member={m} onClose={() => setOpen(null)} /> : null}
      {open === 'link' ? <MemberLinkDialog member={m} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
