import { Alert, Form, Input, Radio, Select, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { useTemplates } from '../messages';
import { fetchTreeLevel, heatingKeys, NOTICE_CHANNELS, NOTICE_KINDS, useNoticePreview, type NoticeChannel, type NoticeKind, type NoticeView, type Target } from './api';

type Values = { kind: NoticeKind; compound?: string; building?: string; unit?: string; source: 'template' | 'text'; templateId?: string; channel: NoticeChannel; text?: string };

/** The names of one level under a target (compounds, a compound's buildings, a building's units) for a picker. */
function useLevelNames(t: Target, enabled: boolean) {
  return useQuery({
    queryKey: heatingKeys.tree(t),
    queryFn: ({ signal }) => fetchTreeLevel(t, signal),
    enabled,
    select: (v) => v.items.filter((i) => i.key !== null).map((i) => ({ value: i.key!, label: `${i.key}（${i.households}）` })),
  });
}

/**
 * 发送通知: an outage or repair notice to every household of a compound, building or unit — a message template, or
 * text typed here on a channel — with how many it would reach before sending. Sent once however often OK is pressed
 * (the platform's Idempotency-Key and useMutation).
 */
export function NoticeDialog({ target, onClose, onSent }: { target?: Target; onClose: () => void; onSent: (n: NoticeView) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const templates = useTemplates();
  const v = (Form.useWatch([], form) ?? {}) as Partial<Values>;
  const compound = v.compound;
  const building = v.building;
  const compounds = useLevelNames({}, true);
  const buildings = useLevelNames({ compound }, !!compound);
  const units = useLevelNames({ compound, building }, !!compound && !!building);
  const source = v.source ?? 'text';
  const tpl = (templates.data ?? []).find((x) => x.id === v.templateId);
  const channel: NoticeChannel = source === 'template' ? (tpl?.channel ?? 'sms') : (v.channel ?? 'sms');
  const preview = useNoticePreview({ compound, building: building || undefined, unit: v.unit || undefined }, channel);

  const previewText = () => {
    const p = preview.data;
    if (!p) return null;
    if (!p.households) return <Alert type="warning" showIcon title={t('heating.notice.previewNone')} />;
    const reachable = p.reachable === null ? '' : t('heating.notice.previewReachable', { n: p.reachable });
    return (
      <Alert
        type="info"
        showIcon
        data-testid="notice-preview"
        title={t('heating.notice.preview', { households: p.households, consenting: p.consenting, reachable })}
        description={p.inline ? undefined : t('heating.notice.previewRun')}
      />
    );
  };

  return (
    <FormDialog<Values, NoticeView>
      title={t('heating.notices.new')}
      form={form}
      width={600}
      okText={t('heating.notice.send')}
      initialValues={{ kind: 'outage', source: 'text', channel: 'sms', compound: target?.compound, building: target?.building, unit: target?.unit }}
      submit={(x) =>
        api.post<NoticeView>('/api/v1/heating/notices', {
          kind: x.kind,
          compound: x.compound,
          building: x.building || undefined,
          unit: x.unit || undefined,
          ...(x.source === 'template' ? { templateId: x.templateId } : { channel: x.channel, text: x.text }),
        })
      }
      onSaved={(n) => {
        void qc.invalidateQueries({ queryKey: heatingKeys.notices });
        onSent(n);
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'notice-form' }}
      after={previewText()}
    >
      <Form.Item name="kind" label={t('heating.notice.kind')} rules={[{ required: true }]}>
        <Radio.Group options={NOTICE_KINDS.map((k) => ({ value: k, label: t(`heating.kind.${k}`) }))} optionType="button" />
      </Form.Item>
      <Form.Item name="compound" label={t('heating.notice.compound')} rules={[{ required: true, message: t('heating.notice.compound') }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          options={compounds.data ?? []}
          onChange={() => form.setFieldsValue({ building: undefined, unit: undefined })}
          aria-label={t('heating.notice.compound')}
          data-testid="notice-compound"
        />
      </Form.Item>
      <Form.Item name="building" label={t('heating.notice.building')}>
        <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={buildings.data ?? []} onChange={() => form.setFieldsValue({ unit: undefined })} disabled={!compound} aria-label={t('heating.notice.building')} data-testid="notice-building" />
      </Form.Item>
      <Form.Item name="unit" label={t('heating.notice.unit')}>
        <Select allowClear options={units.data ?? []} disabled={!building} aria-label={t('heating.notice.unit')} data-testid="notice-unit" />
      </Form.Item>
      <Form.Item name="source" label={t('heating.notice.source')}>
        <Radio.Group
          options={[
            { value: 'text', label: t('heating.notice.typeText') },
            { value: 'template', label: t('heating.notice.useTemplate') },
          ]}
        />
      </Form.Item>
      {source === 'template' ? (
        <Form.Item name="templateId" label={t('heating.notice.template')} rules={[{ required: true, message: t('heating.notice.template') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={templates.isPending}
            options={(templates.data ?? []).map((x) => ({ value: x.id, label: `${x.name}（${t(`heating.channel.${x.channel}`)}）` }))}
            aria-label={t('heating.notice.template')}
          />
        </Form.Item>
      ) : (
        <>
          <Form.Item name="channel" label={t('heating.notice.channel')}>
            <Radio.Group options={NOTICE_CHANNELS.map((c) => ({ value: c, label: t(`heating.channel.${c}`) }))} />
          </Form.Item>
          <Form.Item name="text" label={t('heating.notice.text')} rules={[{ required: true, message: t('heating.notice.text') }]} extra={<Typography.Text type="secondary">{t('heating.notice.textHelp')}</Typography.Text>}>
            <Input.TextArea rows={4} maxLength={500} showCount data-testid="notice-text" />
          </Form.Item>
        </>
      )}
    </FormDialog>
  );
}
