import { Suspense } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, Tabs, Tag, Typography } from 'antd';
import { lazyPage } from '../../platform/lazyPage';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { useSurvey } from './api';
import { SurveyActions } from './Actions';
import { StatusTag } from './StatusTag';

// Each tab its own chunk: the results' charts load only when 结果 is opened.
const Builder = lazyPage(() => import('./Builder'), 'Builder');
const Distribution = lazyPage(() => import('./Distribution'), 'Distribution');
const Results = lazyPage(() => import('./Results'), 'Results');

const TABS = ['design', 'send', 'results'] as const;
type TabKey = (typeof TABS)[number];

/** A survey: its status and actions, then 设计 (the builder) / 发放 (distribution) / 结果 (the dashboard). */
export function SurveyPage() {
  const { id = '', tab } = useParams();
  const t = useT();
  const navigate = useNavigate();
  const survey = useSurvey(id);
  const s = survey.data;
  if (survey.error) return <ErrorAlert error={survey.error} onRetry={() => void survey.refetch()} />;
  if (!s) return <Loading />;
  const active: TabKey = (TABS as readonly string[]).includes(tab ?? '') ? (tab as TabKey) : s.status === 'draft' ? 'design' : 'results';
  const body = (key: TabKey) => (
    <Suspense fallback={<Loading />}>{key === 'design' ? <Builder survey={s} /> : key === 'send' ? <Distribution survey={s} /> : <Results survey={s} />}</Suspense>
  );
  return (
    <>
      <PageHeader
        back="/surveys"
        title={<span data-testid="survey-title">{s.name}</span>}
        subtitle={
          <>
            <StatusTag status={s.status} />
            <Tag>{t(`surveys.kind.${s.kind}`)}</Tag>
            <Typography.Text type="secondary" data-testid="survey-version">
              {t('surveys.versionResponses', { v: s.definitionVersion, n: s.responseCount })}
            </Typography.Text>
          </>
        }
        extra={<SurveyActions survey={s} onDeleted={() => void navigate('/surveys')} />}
      />
      {s.deletedAt ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('surveys.inTrash')} /> : null}
      <Tabs
        activeKey={active}
        onChange={(k) => {
          void navigate(`/surveys/${s.id}/${k}`);
          void survey.refetch(); // the response count and version move while the page is open
        }}
        destroyOnHidden
        items={TABS.map((key) => ({ key, label: <span data-testid={`survey-tab-${key}`}>{t(`surveys.tab.${key}`)}</span>, children: key === active ? body(key) : null }))}
      />
    </>
  );
}
