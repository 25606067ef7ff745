import { useState } from 'react';
import { App, Button, Checkbox, Flex, Input, Modal, Progress, Radio, Segmented, Space, Typography } from 'antd';
import { LinkOutlined } from '@ant-design/icons';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import type { SurveyLinkView, SurveyView } from './api';
import { scaleOf, textIn, type Definition, type Question } from './model';

function Scale({ min, max }: { min: number; max: number }) {
  return (
    <Radio.Group optionType="button" buttonStyle="solid" style={{ display: 'flex', width: '100%' }}>
      {Array.from({ length: max - min + 1 }, (_, i) => (
        <Radio.Button key={i} value={min + i} style={{ flex: 1, textAlign: 'center', padding: 0 }}>
          {min + i}
        </Radio.Button>
      ))}
    </Radio.Group>
  );
}

/** One question drawn as the household's page draws it (one per screen on a phone). */
function PreviewQuestion({ q, lang, n, total }: { q: Question; lang: string; n: number; total: number }) {
  const t = useT();
  const tx = (x: Parameters<typeof textIn>[0]) => textIn(x, lang);
  const e = lang === 'en' ? 'Expected' : '期望';
  const p = lang === 'en' ? 'Actual' : '实际';
  return (
    <div style={{ background: '#fff', borderRadius: 8, padding: 14, marginBottom: 12 }} data-testid="preview-question">
      <Typography.Text type="secondary">{t('surveys.preview.progress', { n, total })}</Typography.Text>
      <Progress percent={Math.round((n / total) * 100)} showInfo={false} size="small" />
      <Typography.Title level={5} style={{ marginTop: 4 }}>
        {tx(q.text)} {q.required ? <Typography.Text type="danger">*</Typography.Text> : <Typography.Text type="secondary">{t('surveys.preview.optional')}</Typography.Text>}
      </Typography.Title>
      {q.help ? <Typography.Paragraph type="secondary">{tx(q.help)}</Typography.Paragraph> : null}
      {q.type === 'single' ? (
        <Radio.Group>
          <Space direction="vertical">{q.options.map((o) => <Radio key={o.value} value={o.value}>{tx(o.text)}</Radio>)}</Space>
        </Radio.Group>
      ) : q.type === 'multiple' ? (
        <Checkbox.Group>
          <Space direction="vertical">{q.options.map((o) => <Checkbox key={o.value} value={o.value}>{tx(o.text)}</Checkbox>)}</Space>
        </Checkbox.Group>
      ) : q.type === 'text' ? (
        <Input.TextArea rows={3} maxLength={q.maxLength ?? 500} showCount />
      ) : q.type === 'matrix' ? (
        q.rows.map((r) => (
          <div key={r.id} style={{ marginBottom: 8 }}>
            <div>{tx(r.text)}</div>
            <Scale {...q.scale} />
          </div>
        ))
      ) : q.type === 'servqual' ? (
        q.items.map((i) => (
          <div key={i.id} style={{ marginBottom: 10 }}>
            <div>{tx(i.text)}</div>
            <Flex gap={6} align="center"><span style={{ width: 48 }}>{e}</span><Scale min={1} max={7} /></Flex>
            <Flex gap={6} align="center" style={{ marginTop: 4 }}><span style={{ width: 48 }}>{p}</span><Scale min={1} max={7} /></Flex>
          </div>
        ))
      ) : (
        <Scale {...scaleOf(q)} />
      )}
    </div>
  );
}

/** A one-off anonymous link to the real public page (an active survey that accepts anonymous answers). */
function PreviewLink({ survey }: { survey: SurveyView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [link, setLink] = useState<string | null>(null);
  const make = useMutation({
    mutationFn: () => api.post<SurveyLinkView>(`/api/v1/surveys/${survey.id}/links`, {}),
    onSuccess: (l) => setLink(l.link),
    onError: (err) => message.error(errorMessage(err)),
  });
  const usable = survey.status === 'active' && survey.settings.anonymousAllowed && can('survey:manage');
  return (
    <Flex vertical gap={6} style={{ marginTop: 8 }}>
      <div>
        <Button icon={<LinkOutlined />} loading={make.isPending} disabled={!usable} onClick={() => make.mutate()} data-testid="preview-link">
          {t('surveys.preview.link')}
        </Button>
      </div>
      <Typography.Text type="secondary">{usable ? t('surveys.preview.linkNote') : t('surveys.preview.linkNeeds')}</Typography.Text>
      {link ? (
        <Typography.Link href={link} target="_blank" rel="noreferrer" copyable data-testid="preview-link-url">
          {link}
        </Typography.Link>
      ) : null}
    </Flex>
  );
}

/** 预览: the questions at phone width in either language, and a link to the real page. */
export function PreviewDialog({ definition, survey, onClose }: { definition: Definition; survey: SurveyView; onClose: () => void }) {
  const t = useT();
  const [lang, setLang] = useState<'zh-CN' | 'en'>('zh-CN');
  const qs = definition.questions;
  return (
    <Modal open title={t('surveys.preview.title')} footer={null} onCancel={onClose} width={460} destroyOnHidden>
      <Segmented value={lang} onChange={setLang} options={[{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'English' }]} style={{ marginBottom: 8 }} />
      <div style={{ background: '#f5f5f5', padding: 12, borderRadius: 8, maxHeight: '60vh', overflow: 'auto' }} data-testid="preview">
        <Typography.Title level={4}>{textIn(definition.title, lang)}</Typography.Title>
        {definition.intro ? <Typography.Paragraph type="secondary">{textIn(definition.intro, lang)}</Typography.Paragraph> : null}
        {qs.map((q, i) => (
          <PreviewQuestion key={q.id} q={q} lang={lang} n={i + 1} total={qs.length} />
        ))}
      </div>
      <PreviewLink survey={survey} />
    </Modal>
  );
}
