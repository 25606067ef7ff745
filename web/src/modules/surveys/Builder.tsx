import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Dropdown, Flex, Form, Input, InputNumber, Row, Switch, Typography } from 'antd';
import { EyeOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { useT, type Translate } from '../../platform/i18n';
import { FormErrors } from '../../platform/ui';
import { DIMENSIONS, QUESTION_TYPES, SURVEY_LIMITS, surveyKeys, type Dimension, type QuestionType, type SurveySettings, type SurveyView } from './api';
import { cleanDefinition, moved, newQuestion, type Definition } from './model';
import { PreviewDialog } from './Preview';
import { QuestionEditor } from './QuestionEditor';
import { TextPair } from './TextPair';

type Draft = { name: string; settings: SurveySettings; definition: Definition };

const SETTING_FIELDS = [
  ['expiryDays', 1, 365],
  ['maxReminders', 0, 10],
  ['reminderAfterDays', 1, 90],
  ['fatigueDays', 0, 3660],
] as const;

function SettingsCard({ draft, set }: { draft: Draft; set: (d: Partial<Draft>) => void }) {
  const t = useT();
  const s = draft.settings;
  return (
    <Card size="small" title={t('surveys.settings')}>
      <Form layout="vertical">
        <Row gutter={12}>
          {SETTING_FIELDS.map(([key, min, max]) => (
            <Col key={key} xs={12} md={6}>
              <Form.Item label={t(`surveys.setting.${key}`)} style={{ marginBottom: 8 }}>
                <InputNumber min={min} max={max} precision={0} style={{ width: '100%' }} value={s[key]} onChange={(v) => set({ settings: { ...s, [key]: v ?? min } })} data-testid={`setting-${key}`} />
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Flex gap={8} align="center">
          <Switch checked={s.anonymousAllowed} onChange={(anonymousAllowed) => set({ settings: { ...s, anonymousAllowed } })} data-testid="setting-anonymousAllowed" />
          <Typography.Text>{t('surveys.setting.anonymousAllowed')}</Typography.Text>
        </Flex>
      </Form>
    </Card>
  );
}

/** 维度权重: importance points of the five SERVQUAL dimensions, summing to 100 (none: every item counts the same). */
function WeightsCard({ def, set }: { def: Definition; set: (d: Definition) => void }) {
  const t = useT();
  const w = def.dimensionWeights;
  const sum = DIMENSIONS.reduce((acc, d) => acc + (w?.[d] ?? 0), 0);
  const on = !!w;
  return (
    <Card size="small" title={t('surveys.weights')} data-testid="weights">
      <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
        <Switch checked={on} onChange={(v) => set({ ...def, dimensionWeights: v ? { tangibles: 20, reliability: 20, responsiveness: 20, assurance: 20, empathy: 20 } : undefined })} data-testid="weights-on" />
        <Typography.Text>{t('surveys.weightsOn')}</Typography.Text>
      </Flex>
      {on ? (
        <Flex gap={12} wrap align="end">
          {DIMENSIONS.map((d: Dimension) => (
            <div key={d}>
              <div>{t(`surveys.dim.${d}`)}</div>
              <InputNumber min={0} max={100} value={w[d] ?? 0} onChange={(v) => set({ ...def, dimensionWeights: { ...w, [d]: v ?? 0 } })} style={{ width: 90 }} data-testid={`weight-${d}`} />
            </div>
          ))}
          <Typography.Text type={Math.abs(sum - 100) < 1e-6 ? 'success' : 'danger'} data-testid="weights-sum">
            {t('surveys.weightsSum', { sum })}
          </Typography.Text>
        </Flex>
      ) : null}
    </Card>
  );
}

/** The server's messages by question index (`definition.questions.2.…`), and the rest for the banner. */
function splitErrors(err: unknown, t: Translate): { byQuestion: Map<number, string[]>; rest: string[] } {
  const byQuestion = new Map<number, string[]>();
  const rest: string[] = [];
  if (!(err instanceof ApiError)) return { byQuestion, rest: err ? [errorMessage(err)] : [] };
  for (const e of err.problem.errors) {
    const m = /^definition\.questions\.(\d+)/.exec(e.field);
    if (m) {
      const i = Number(m[1]);
      byQuestion.set(i, [...(byQuestion.get(i) ?? []), e.message]);
      rest.push(`${t('surveys.questionNo', { n: i + 1 })}：${e.message}`);
    } else rest.push(e.message);
  }
  if (!err.problem.errors.length) rest.push(err.problem.detail);
  return { byQuestion, rest };
}

function AddQuestion({ onAdd, disabled }: { onAdd: (type: QuestionType) => void; disabled: boolean }) {
  const t = useT();
  return (
    <Dropdown trigger={['click']} disabled={disabled} menu={{ items: QUESTION_TYPES.map((type) => ({ key: type, label: <span data-testid={`add-${type}`}>{t(`surveys.qtype.${type}`)}</span> })), onClick: ({ key }) => onAdd(key as QuestionType) }}>
      <Button icon={<PlusOutlined />} data-testid="question-add">
        {t('surveys.addQuestion')}
      </Button>
    </Dropdown>
  );
}

/** 设计: the builder. Everything is edited here and saved at once (PATCH with the version shown). */
export function Builder({ survey }: { survey: SurveyView }) {
  // A saved survey (a new row version) starts the form again from what the server answered.
  return <BuilderForm key={`${survey.id}:${survey.version}`} survey={survey} />;
}

function BuilderForm({ survey }: { survey: SurveyView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const initial = useMemo<Draft>(() => ({ name: survey.name, settings: { ...survey.settings }, definition: survey.definition as Definition }), [survey]);
  const [draft, setDraft] = useState<Draft>(initial);
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState(false);
  const set = (d: Partial<Draft>) => setDraft((x) => ({ ...x, ...d }));
  const def = draft.definition;
  const setDef = (definition: Definition) => set({ definition });
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const save = useMutation({
    mutationFn: (d: Draft) => {
      const definition = cleanDefinition(d.definition);
      const defChanged = JSON.stringify(definition) !== JSON.stringify(cleanDefinition(initial.definition));
      return api.patch<SurveyView>(`/api/v1/surveys/${survey.id}`, {
        version: survey.version,
        ...(d.name.trim() !== survey.name ? { name: d.name.trim() } : {}),
        ...(JSON.stringify(d.settings) !== JSON.stringify(survey.settings) ? { settings: d.settings } : {}),
        ...(defChanged ? { definition } : {}),
      });
    },
    onSuccess: (saved) => {
      setError(null);
      message.success(saved.definitionVersion > survey.definitionVersion ? t('surveys.savedNewVersion', { v: saved.definitionVersion }) : t('surveys.saved'));
      qc.setQueryData(surveyKeys.one(survey.id), saved);
      void qc.invalidateQueries({ queryKey: surveyKeys.all });
    },
    onError: (err) => {
      setError(err);
      if (err instanceof ApiError && err.status === 409) message.error(errorMessage(err));
    },
  });
  const errors = splitErrors(error, t);
  const manage = can('survey:manage') && !survey.deletedAt;
  const questions = def.questions;
  const onDelete = (i: number) => {
    const gone = questions[i]!.id;
    setDef({ ...def, questions: questions.filter((_, k) => k !== i).map((q) => ({ ...q, branches: q.branches?.filter((b) => b.goTo !== gone) })) });
  };
  return (
    <Flex vertical gap={16} data-testid="builder">
      {survey.responseCount + survey.partialCount > 0 ? (
        <Alert type="info" showIcon title={t('surveys.versionNote', { n: survey.responseCount + survey.partialCount, v: survey.definitionVersion + 1 })} data-testid="builder-version-note" />
      ) : null}
      <FormErrors errors={errors.rest} />
      <Flex gap={8} justify="flex-end" style={{ position: 'sticky', top: 0, zIndex: 3, background: 'var(--ant-color-bg-layout, #f5f5f5)', padding: '4px 0' }}>
        <Button icon={<EyeOutlined />} onClick={() => setPreview(true)} data-testid="builder-preview">
          {t('surveys.preview.open')}
        </Button>
        {manage ? (
          <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} disabled={!dirty} onClick={() => save.mutate(draft)} data-testid="builder-save">
            {t('common.save')}
          </Button>
        ) : null}
      </Flex>
      <Card size="small" title={t('surveys.basics')}>
        <Flex vertical gap={8}>
          <Typography.Text>{t('surveys.field.name')}</Typography.Text>
          <Input value={draft.name} maxLength={100} onChange={(e) => set({ name: e.target.value })} status={draft.name.trim() ? undefined : 'error'} data-testid="builder-name" aria-label={t('surveys.field.name')} />
          <Typography.Text>{t('surveys.field.title')}</Typography.Text>
          <TextPair value={def.title} onChange={(title) => setDef({ ...def, title })} testId="builder-title" label={t('surveys.field.title')} />
          <Typography.Text>{t('surveys.field.intro')}</Typography.Text>
          <TextPair value={def.intro} onChange={(intro) => setDef({ ...def, intro })} testId="builder-intro" multiline label={t('surveys.field.intro')} />
          <Typography.Text>{t('surveys.field.thanks')}</Typography.Text>
          <TextPair value={def.thanks} onChange={(thanks) => setDef({ ...def, thanks })} testId="builder-thanks" multiline label={t('surveys.field.thanks')} />
        </Flex>
      </Card>
      <SettingsCard draft={draft} set={set} />
      {questions.map((q, i) => (
        <QuestionEditor
          key={q.id}
          q={q}
          index={i}
          questions={questions}
          errors={errors.byQuestion.get(i) ?? []}
          onChange={(next) => setDef({ ...def, questions: questions.map((x, k) => (k === i ? next : x)) })}
          onMove={(to) => setDef({ ...def, questions: moved(questions, i, to) })}
          onDelete={() => onDelete(i)}
        />
      ))}
      <div>
        <AddQuestion disabled={questions.length >= SURVEY_LIMITS.questions} onAdd={(type) => setDef({ ...def, questions: [...questions, newQuestion(type, questions.map((q) => q.id))] })} />
      </div>
      {questions.some((q) => q.type === 'servqual') ? <WeightsCard def={def} set={setDef} /> : null}
      {preview ? <PreviewDialog definition={cleanDefinition(def)} survey={survey} onClose={() => setPreview(false)} /> : null}
    </Flex>
  );
}
