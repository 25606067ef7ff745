import { Link } from 'react-router';
import { Flex, Select, Table, Typography } from 'antd';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter } from '../../platform/ui';
import { REFERRAL_STATUSES, useReferrals, type ReferralStatus, type ReferralView } from './api';
import { DayRangeFilter, useLoyaltyParams } from './filters';
import { ReferralStatusTag } from './parts';

/**
 * 推荐 (老带新): who brought whom, with which code; rewarded once after the first payment, or refused with the reason.
 * Filtered in the address (`?status=&from=&to=`): the days are the attribution's, with 已奖励 the reward's (as the
 * home tile and the reports count them).
 */
export function ReferralsTab() {
  const t = useT();
  const { params, days, set } = useLoyaltyParams();
  const wanted = params.get('status');
  const status = REFERRAL_STATUSES.find((s) => s === wanted);
  const list = useReferrals({ status, ...days });
  return (
    <div data-testid="loy-referrals">
      <Flex wrap gap={8} align="center" style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 140 }}
          placeholder={t('loy.col.status')}
          aria-label={t('loy.col.status')}
          value={status}
          onChange={(v?: ReferralStatus) => set({ status: v })}
          options={REFERRAL_STATUSES.map((s) => ({ value: s, label: t(`loy.ref.status.${s}`) }))}
          data-testid="loy-referrals-status"
        />
        <DayRangeFilter days={days} onChange={(d) => set(d)} testId="loy-referrals-days" />
        {days.from || days.to ? <Typography.Text type="secondary">{t(status === 'rewarded' ? 'loy.ref.daysRewarded' : 'loy.ref.daysAttributed')}</Typography.Text> : null}
      </Flex>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<ReferralView>
        rowKey="id"
        size="middle"
        loading={list.isPending && list.fetchStatus !== 'idle'}
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 860 }}
        locale={{ emptyText: t('loy.ref.empty') }}
        onRow={() => ({ 'data-testid': 'loy-referral-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('loy.col.time'), dataIndex: 'createdAt', width: 140, render: (v: string) => formatDateTime(v) },
          { title: t('loy.ref.referrer'), key: 'referrer', render: (_: unknown, r) => <Link to={`/customers/${r.referrerId}?tab=loyalty`}>{r.referrerName}</Link> },
          { title: t('loy.ref.referee'), key: 'referee', render: (_: unknown, r) => <Link to={`/customers/${r.refereeId}?tab=loyalty`}>{r.refereeName}</Link> },
          { title: t('loy.ref.code'), dataIndex: 'code', width: 130, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          {
            title: t('loy.col.status'),
            dataIndex: 'status',
            render: (v: ReferralStatus, r) => (
              <>
                <ReferralStatusTag status={v} />
                {r.refusedReason ? <Typography.Text type="secondary">{r.refusedReason}</Typography.Text> : null}
              </>
            ),
          },
          { title: t('loy.ref.rewardedAt'), dataIndex: 'rewardedAt', width: 140, render: (v: string | null) => formatDateTime(v) },
        ]}
      />
      {list.items.length ? <LoadMoreFooter shown={t('loy.ref.shown', { n: list.items.length })} count={list.items.length} query={list} /> : null}
    </div>
  );
}
