import { Card, Tabs } from 'antd';
import { useSearchParams } from 'react-router';
import { useT } from '../../platform/i18n';
import { PageHeader } from '../../platform/ui';
import { TeamsPanel } from './TeamsPanel';
import { UsersPanel } from './UsersPanel';

export function UsersPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'teams' ? 'teams' : 'users';
  return (
    <>
      <PageHeader title={t('users.title')} />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'teams' ? { tab: 'teams' } : {}, { replace: true })}
          items={[
            { key: 'users', label: t('users.tab'), children: <UsersPanel /> },
            { key: 'teams', label: t('teams.tab'), children: <TeamsPanel /> },
          ]}
        />
      </Card>
    </>
  );
}
