import { Form, Input, Radio, Space, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { surveyKeys, useSurveyTemplates, type SurveyTemplateKey, type SurveyView } from './api';
import { blankDefinition } from './model';

type Values = { start: SurveyTemplateKey | 'blank'; name?: string };

/** 新建问卷: from one of the shipped templates or blank; then the builder opens. */
export function NewSurveyDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const templates = useSurveyTemplates();
  const [form] = Form.useForm<Values>();
  const start = Form.useWatch('start', form);
  return (
    <FormDialog<Values, SurveyView>
      title={t('surveys.new')}
      okText={t('surveys.create')}
      form={form}
      width={620}
      initialValues={{ start: 'relational_nps' }}
      submit={(v) => {
        const name = v.name?.trim() || undefined;
        if (v.start === 'blank') return api.post<SurveyView>('/api/v1/surveys', { name: name ?? t('surveys.blankName'), kind: 'custom', definition: blankDefinition(name ?? t('surveys.blankName')) });
        return api.post<SurveyView>('/api/v1/surveys', { name, templateKey: v.start });
      }}
      onSaved={(s) => {
        void qc.invalidateQueries({ queryKey: surveyKeys.all });
        void navigate(`/surveys/${s.id}/design`);
      }}
      errorFields={{ templateKey: 'start', definition: 'start' }}
      onClose={onClose}
      formProps={{ 'data-testid': 'survey-new-form' }}
    >
      <Form.Item name="start" label={t('surveys.startFrom')}>
        <Radio.Group style={{ width: '100%' }} data-testid="survey-template">
          <Space direction="vertical" style={{ width: '100%' }}>
            {(templates.data ?? []).map((tpl) => (
              <Radio key={tpl.key} value={tpl.key} data-testid={`survey-template-${tpl.key}`}>
                <Typography.Text strong>{tpl.name}</Typography.Text>
                <Typography.Text type="secondary"> · {t('surveys.questionCount', { n: tpl.questionCount })}</Typography.Text>
                <div>
                  <Typography.Text type="secondary">{tpl.description}</Typography.Text>
                </div>
              </Radio>
            ))}
            <Radio value="blank" data-testid="survey-template-blank">
              <Typography.Text strong>{t('surveys.blank')}</Typography.Text>
            </Radio>
          </Space>
        </Radio.Group>
      </Form.Item>
      <Form.Item
        name="name"
        label={t('surveys.field.name')}
        extra={start === 'blank' ? undefined : t('surveys.nameHint')}
        rules={[{ max: 100, message: t('surveys.tooLong', { max: 100 }) }]}
      >
        <Input maxLength={100} data-testid="survey-new-name" />
      </Form.Item>
    </FormDialog>
  );
}
