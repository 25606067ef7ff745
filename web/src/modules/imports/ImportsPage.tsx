import { useParams } from 'react-router';
import { Card, Typography } from 'antd';
import { useT } from '../../platform/i18n';
import { PageHeader } from '../../platform/ui';
import { ImportJob } from './ImportJob';
import { NewImport } from './NewImport';
import { RecentImports } from './RecentImports';

/**
 * 数据导入: /imports is the wizard's first two steps (file, column mapping); /imports/:id is one import's progress
 * and then its report. The recent imports are listed under both.
 */
export function ImportsPage() {
  const t = useT();
  const { id } = useParams();
  return (
    <>
      <PageHeader title={t('imports.title')} back={id ? '/imports' : undefined} />
      {id ? null : <Typography.Paragraph type="secondary">{t('imports.intro')}</Typography.Paragraph>}
      <Card size="small" styles={{ body: { padding: 16 } }}>
        {id ? <ImportJob key={id} id={id} /> : <NewImport />}
      </Card>
      <RecentImports current={id} />
    </>
  );
}
