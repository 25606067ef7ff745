import { useSearchParams } from 'react-router';
import { Alert, Tabs } from 'antd';
import { useT } from '../../platform/i18n';
import { PageHeader } from '../../platform/ui';
import { AdjustmentsTab } from './AdjustmentsTab';
import { useProgramme } from './api';
import { MembersTab } from './MembersTab';
import { ProgrammeTab } from './ProgrammeTab';
import { RedemptionsTab } from './RedemptionsTable';
import { ReferralsTab } from './ReferralsTab';
import { ReportsTab } from './ReportsTab';
import { RewardsTab } from './RewardsTab';

const TABS = ['members', 'rewards', 'redemptions', 'adjustments', 'referrals', 'reports', 'programme'] as const;
type TabKey = (typeof TABS)[number];

/**
 * 会员与积分: members, the rewards catalogue, redemptions, adjustments waiting for approval, referrals, the reports and
 * the programme's settings, one tab each (the open tab in the address, `?tab=`, with the tab's filters — filters.tsx;
 * a tab is drawn, and loads its data, when first opened; another tab starts without filters).
 */
export function LoyaltyPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const programme = useProgramme();
  const wanted = params.get('tab') as TabKey | null;
  const active: TabKey = wanted && TABS.includes(wanted) ? wanted : 'members';
  const render: Record<TabKey, () => React.ReactNode> = {
    members: () => <MembersTab />,
    rewards: () => <RewardsTab />,
    redemptions: () => <RedemptionsTab />,
    adjustments: () => <AdjustmentsTab />,
    referrals: () => <ReferralsTab />,
    reports: () => <ReportsTab />,
    programme: () => <ProgrammeTab />,
  };
  return (
    <div data-testid="loy-page">
      <PageHeader title={t('loy.title')} />
      {programme.data && !programme.data.enabled ? <Alert type="warning" showIcon title={t('loy.disabled')} style={{ marginBottom: 12 }} /> : null}
      <Tabs
        activeKey={active}
        onChange={(k) => setParams(k === 'members' ? {} : { tab: k }, { replace: true })}
        items={TABS.map((k) => ({ key: k, label: t(`loy.tab.${k}`), children: render[k]() }))}
      />
    </div>
  );
}
