import { useState } from 'react';
import { App, Button, Descriptions, Flex, Form, Input, InputNumber, Modal, Popconfirm, Select, Switch, Table, Tag, TreeSelect, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useMutation } from '../../platform/forms';
import { localized, useI18n, useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import {
  FEEDBACK_ASSIGNMENT_TARGETS,
  FEEDBACK_SENTIMENTS,
  FEEDBACK_SOURCES,
  feedbackKeys,
  useFeedbackCategories,
  useFeedbackInbound,
  useFeedbackRules,
  useFeedbackTeams,
  useFeedbackUsers,
  type FeedbackAssignmentRuleView,
  type FeedbackAssignmentTarget,
  type FeedbackInboundSettingsView,
  type FeedbackSentiment,
  type FeedbackSource,
} from './api';
import { categoryTree } from './parts';

type RuleValues = {
  name: string;
  position?: number;
  categoryId?: string | null;
  source?: FeedbackSource | null;
  sentiment?: FeedbackSentiment | null;
  compound?: string;
  district?: string;
  target: FeedbackAssignmentTarget;
  userId?: string | null;
  teamId?: string | null;
};

/** One rule's form: its conditions (empty: any) and what it assigns to. */
function RuleForm({ editing, onClose }: { editing: FeedbackAssignmentRuleView | null; onClose: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<RuleValues>();
  const target = Form.useWatch('target', form);
  const users = useFeedbackUsers();
  const teams = useFeedbackTeams();
  const categories = useFeedbackCategories();
  const initial: Partial<RuleValues> = editing
    ? { ...editing, compound: editing.compound ?? undefined, district: editing.district ?? undefined }
    : { target: 'user', position: 100 };
  return (
    <FormDialog<RuleValues, FeedbackAssignmentRuleView>
      form={form}
      title={editing ? t('fb.rules.edit') : t('fb.rules.new')}
      initialValues={initial}
      submit={(v) => {
        const body = {
          ...v,
          categoryId: v.categoryId ?? null,
          source: v.source ?? null,
          sentiment: v.sentiment ?? null,
          compound: v.compound?.trim() || null,
          district: v.district?.trim() || null,
          userId: v.target === 'user' ? (v.userId ?? null) : null,
          teamId: v.target === 'team_round_robin' ? (v.teamId ?? null) : null,
        };
        return editing ? api.patch(`/api/v1/feedback-assignment-rules/${editing.id}`, body) : api.post('/api/v1/feedback-assignment-rules', body);
      }}
      onSaved={() => {
        message.success(t('fb.rules.saved'));
        void qc.invalidateQueries({ queryKey: feedbackKeys.rules });
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'fb-rule-form' }}
    >
      <Form.Item name="name" label={t('fb.rules.name')} rules={[{ required: true, whitespace: true }, { max: 100 }]}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="position" label={t('fb.rules.position')} extra={t('fb.rules.positionHint')}>
        <InputNumber min={0} max={10000} />
      </Form.Item>
      <Typography.Text type="secondary">{t('fb.rules.when')}</Typography.Text>
      <Flex gap={8} wrap style={{ marginTop: 8 }}>
        <Form.Item name="categoryId" label={t('fb.rules.category')} style={{ minWidth: 200, flex: 1 }}>
          <TreeSelect allowClear treeDefaultExpandAll placeholder={t('fb.rules.any')} treeData={categoryTree(categories.data ?? [], lang, editing?.categoryId)} />
        </Form.Item>
        <Form.Item name="source" label={t('fb.rules.source')} style={{ minWidth: 160, flex: 1 }}>
          <Select allowClear placeholder={t('fb.rules.any')} options={FEEDBACK_SOURCES.map((s) => ({ value: s, label: t(`fb.source.${s}`) }))} />
        </Form.Item>
        <Form.Item name="sentiment" label={t('fb.rules.sentiment')} style={{ minWidth: 120, flex: 1 }}>
          <Select allowClear placeholder={t('fb.rules.any')} options={FEEDBACK_SENTIMENTS.map((s) => ({ value: s, label: t(`fb.sentiment.${s}`) }))} />
        </Form.Item>
      </Flex>
      <Flex gap={8} wrap>
        <Form.Item name="compound" label={t('fb.rules.compound')} style={{ minWidth: 160, flex: 1 }}>
          <Input placeholder={t('fb.rules.any')} maxLength={100} />
        </Form.Item>
        <Form.Item name="district" label={t('fb.rules.district')} style={{ minWidth: 160, flex: 1 }}>
          <Input placeholder={t('fb.rules.any')} maxLength={100} />
        </Form.Item>
      </Flex>
      <Form.Item name="target" label={t('fb.rules.target')} rules={[{ required: true }]}>
        <Select options={FEEDBACK_ASSIGNMENT_TARGETS.map((x) => ({ value: x, label: t(`fb.rules.target.${x}`) }))} />
      </Form.Item>
      {target === 'user' ? (
        <Form.Item name="userId" label={t('fb.rules.user')} rules={[{ required: true }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))} />
        </Form.Item>
      ) : null}
      {target === 'team_round_robin' ? (
        <Form.Item name="teamId" label={t('fb.rules.team')} rules={[{ required: true }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}

type InboundValues = { wechatToken?: string; emailKey?: string };

/** The inbound channels: which secrets are set, the callback addresses, and setting a new WeChat token or email key. */
function InboundSettings() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const inbound = useFeedbackInbound();
  const [editing, setEditing] = useState(false);
  const origin = window.location.origin;
  const set = (on: boolean | undefined) => (on ? <Tag color="green">{t('fb.inbound.set')}</Tag> : <Tag>{t('fb.inbound.unset')}</Tag>);
  return (
    <>
      <ErrorAlert error={inbound.error} />
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('fb.inbound.sms')}>
          {set(inbound.data?.smsKeySet)} <Typography.Text code copyable>{`${origin}/api/v1/public/feedback/inbound/sms?key=…`}</Typography.Text>
          <div>
            <Typography.Text type="secondary">{t('fb.inbound.smsHint')}</Typography.Text>
          </div>
        </Descriptions.Item>
        <Descriptions.Item label={t('fb.inbound.wechat')}>
          {set(inbound.data?.wechatTokenSet)} <Typography.Text code copyable>{`${origin}/api/v1/public/feedback/inbound/wechat`}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('fb.inbound.email')}>
          {set(inbound.data?.emailKeySet)} <Typography.Text code copyable>{`${origin}/api/v1/public/feedback/inbound/email?key=…`}</Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Button style={{ marginTop: 8 }} onClick={() => setEditing(true)} data-testid="fb-inbound-edit">
        {t('fb.inbound.change')}
      </Button>
      {editing ? (
        <FormDialog<InboundValues, FeedbackInboundSettingsView>
          title={t('fb.inbound.title')}
          submit={(v) => {
            const body: Record<string, string> = {};
            if (v.wechatToken?.trim()) body.wechatToken = v.wechatToken.trim();
            if (v.emailKey?.trim()) body.emailKey = v.emailKey.trim();
            return api.patch('/api/v1/feedback-settings/inbound', body);
          }}
          onSaved={() => {
            message.success(t('fb.inbound.saved'));
            void qc.invalidateQueries({ queryKey: feedbackKeys.inbound });
          }}
          onClose={() => setEditing(false)}
        >
          <Form.Item name="wechatToken" label={t('fb.inbound.wechatToken')} extra={t('fb.inbound.keepHint')}>
            <Input.Password autoComplete="new-password" maxLength={32} />
          </Form.Item>
          <Form.Item name="emailKey" label={t('fb.inbound.emailKey')} extra={t('fb.inbound.emailKeyHint')}>
            <Input.Password autoComplete="new-password" maxLength={200} />
          </Form.Item>
        </FormDialog>
      ) : null}
    </>
  );
}

/** 分派规则 and 接入设置 (administrators): the rules in the order they are tried; new, edit, on / off, delete. */
export function RulesDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const rules = useFeedbackRules();
  const users = useFeedbackUsers();
  const teams = useFeedbackTeams();
  const categories = useFeedbackCategories();
  const [editing, setEditing] = useState<FeedbackAssignmentRuleView | 'new' | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: feedbackKeys.rules });
  const toggle = useMutation({
    mutationFn: (r: { id: string; active: boolean }) => api.patch(`/api/v1/feedback-assignment-rules/${r.id}`, { active: r.active }),
    onSuccess: refresh,
    onError: (err) => message.error(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/feedback-assignment-rules/${id}`),
    onSuccess: refresh,
    onError: (err) => message.error(errorMessage(err)),
  });
  const categoryName = (id: string) => {
    const c = categories.data?.find((x) => x.id === id);
    return c ? localized(c, lang, 'name') : '';
  };
  const conditions = (r: FeedbackAssignmentRuleView) => {
    const parts = [
      r.categoryId ? categoryName(r.categoryId) : null,
      r.source ? t(`fb.source.${r.source}`) : null,
      r.sentiment ? t(`fb.sentiment.${r.sentiment}`) : null,
      r.compound,
      r.district,
    ].filter(Boolean);
    return parts.length ? parts.join(' · ') : t('fb.rules.any');
  };
  const targetText = (r: FeedbackAssignmentRuleView) =>
    r.target === 'user'
      ? (users.data?.find((u) => u.id === r.userId)?.displayName ?? '')
      : r.target === 'team_round_robin'
        ? t('fb.rules.roundRobinOf', { team: teams.data?.find((x) => x.id === r.teamId)?.name ?? '' })
        : t('fb.rules.target.owner');
  return (
    <Modal open title={t('fb.rules.title')} onCancel={onClose} footer={null} width={820}>
      <Typography.Paragraph type="secondary">{t('fb.rules.intro')}</Typography.Paragraph>
      <ErrorAlert error={rules.error} />
      <Flex justify="flex-end" style={{ marginBottom: 8 }}>
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="fb-rule-new">
          {t('fb.rules.new')}
        </Button>
      </Flex>
      <Table<FeedbackAssignmentRuleView>
        rowKey="id"
        size="small"
        pagination={false}
        loading={rules.isPending}
        dataSource={rules.data ?? []}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('fb.rules.empty') }}
        onRow={() => ({ 'data-testid': 'fb-rule-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('fb.rules.position'), dataIndex: 'position', width: 60 },
          { title: t('fb.rules.name'), dataIndex: 'name', width: 160 },
          { title: t('fb.rules.when'), key: 'when', render: (_, r) => conditions(r) },
          { title: t('fb.rules.target'), key: 'target', width: 150, render: (_, r) => targetText(r) },
          {
            title: t('fb.rules.active'),
            key: 'active',
            width: 70,
            render: (_, r) => <Switch size="small" checked={r.active} aria-label={t('fb.rules.active')} onChange={(active) => toggle.mutate({ id: r.id, active })} />,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 130,
            render: (_, r) => (
              <Flex gap={4}>
                <Button size="small" type="link" onClick={() => setEditing(r)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('fb.rules.deleteConfirm')} onConfirm={() => remove.mutate(r.id)}>
                  <Button size="small" type="link" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Flex>
            ),
          },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('fb.inbound.title')}
      </Typography.Title>
      <InboundSettings />
      {editing ? <RuleForm editing={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Modal>
  );
}
