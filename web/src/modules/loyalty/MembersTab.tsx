import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Flex, Input, Select, Table, Tag, Typography } from 'antd';
import { formatDateTime } from '../../platform/format';
import { useI18n, useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter } from '../../platform/ui';
import { localText, points, useMembers, useProgramme, type MemberListItem, type MemberQuery } from './api';
import { useLoyaltyParams } from './filters';
import { TierTag } from './parts';

/**
 * 会员: by tier (in the address, `?tier=`: the home tile's and the reports' tier bars land here), by name or member
 * number, newest members first with 加载更多; a row opens the member's 360 tab.
 */
export function MembersTab() {
  const t = useT();
  const { lang } = useI18n();
  const navigate = useNavigate();
  const programme = useProgramme();
  const { params, set } = useLoyaltyParams();
  const [search, setSearch] = useState<string | undefined>(undefined);
  const q: MemberQuery = { tier: params.get('tier') || undefined, q: search };
  const list = useMembers(q);
  const lowest = programme.data?.tiers[0]?.key;
  return (
    <div data-testid="loy-members">
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('loy.members.search')}
          style={{ width: 220 }}
          onSearch={(v) => setSearch(v.trim() || undefined)}
          data-testid="loy-members-search"
        />
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('loy.members.tier')}
          aria-label={t('loy.members.tier')}
          value={q.tier}
          onChange={(tier?: string) => set({ tier })}
          options={(programme.data?.tiers ?? []).map((x) => ({ value: x.key, label: localText(x.name, lang) }))}
          data-testid="loy-members-tier"
        />
      </Flex>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<MemberListItem>
        rowKey="customerId"
        size="middle"
        loading={list.isPending && list.fetchStatus !== 'idle'}
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 720 }}
        locale={{ emptyText: t('loy.members.empty') }}
        onRow={(r) =>
          ({
            onClick: () => void navigate(`/customers/${r.customerId}?tab=loyalty`),
            style: { cursor: 'pointer' },
            'data-testid': 'loy-member-row',
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          { title: t('loy.col.memberNo'), dataIndex: 'memberNo', width: 120 },
          {
            title: t('loy.col.name'),
            dataIndex: 'name',
            render: (v: string, r) => (
              <>
                <Typography.Link data-testid="loy-member-name">{v}</Typography.Link>
                {r.status === 'left' ? <Tag style={{ marginLeft: 8 }}>{t('loy.member.left')}</Tag> : null}
              </>
            ),
          },
          { title: t('loy.col.tier'), dataIndex: 'tierName', width: 130, render: (v: string, r) => <TierTag name={v} lowest={r.tier === lowest} /> },
          { title: t('loy.col.balance'), dataIndex: 'balance', width: 110, align: 'right', render: (v: number) => <span data-testid="loy-member-balance">{points(v)}</span> },
          { title: t('loy.col.debt'), dataIndex: 'debt', width: 100, align: 'right', render: (v: number) => (v > 0 ? <Typography.Text type="danger">{points(v)}</Typography.Text> : '—') },
          { title: t('loy.col.joinedAt'), dataIndex: 'joinedAt', width: 150, render: (v: string) => formatDateTime(v) },
        ]}
      />
      {list.items.length ? <LoadMoreFooter shown={t('loy.members.shown', { n: list.items.length })} count={list.items.length} query={list} /> : null}
    </div>
  );
}
