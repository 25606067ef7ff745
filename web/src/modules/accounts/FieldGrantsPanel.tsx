import { useState } from 'react';
import { App, Button, Card, Radio, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useI18n, useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import type { FieldGrantField, FieldGrantLevel, FieldGrantMatrix, FieldGrantRole } from '../../../../src/modules/accounts/field-grants.contract';
import { ROLE_KEYS, roleLabel } from './api';

const LEVELS: FieldGrantLevel[] = ['hidden', 'read', 'edit'];
const matrixKey = ['accounts', 'field-grants'] as const;

/**
 * 字段权限: roles × customer fields (standard and custom), each hidden, read-only or editable. A change saves the
 * role's whole row at once (an allow-list: what is not granted is hidden); the admin role is fixed. Shown on the
 * roles page (role:manage).
 */
export function FieldGrantsPanel() {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [saving, setSaving] = useState<string | null>(null);
  const matrix = useQuery({ queryKey: matrixKey, queryFn: () => api.get<FieldGrantMatrix>('/api/v1/roles/field-grants') });
  const rank = (key: string) => {
    const i = (ROLE_KEYS as readonly string[]).indexOf(key);
    return i < 0 ? ROLE_KEYS.length : i;
  };
  const roles = [...(matrix.data?.roles ?? [])].sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));

  const save = async (role: FieldGrantRole, levels: Record<string, FieldGrantLevel> | null) => {
    setSaving(role.key);
    try {
      await api.put<FieldGrantRole>(`/api/v1/roles/${role.key}/field-grants`, { levels });
      message.success(t('fieldGrants.saved', { role: roleLabel(t, role.key) }));
      await qc.invalidateQueries({ queryKey: matrixKey });
      // The signed-in admin's own customer pages ask again too.
      void qc.invalidateQueries({ queryKey: ['customers'] });
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setSaving(null);
    }
  };

  const cell = (role: FieldGrantRole, field: FieldGrantField) => {
    const level = role.levels[field.key] ?? 'hidden';
    const effective = role.effective[field.key] ?? 'hidden';
    if (role.fixed) return <Tag icon={<LockOutlined />}>{t('fieldGrants.edit')}</Tag>;
    return (
      <Space orientation="vertical" size={2}>
        <Radio.Group
          size="small"
          optionType="button"
          value={level}
          disabled={saving === role.key}
          data-testid={`grant-${role.key}-${field.key}`}
          onChange={(e) => void save(role, { ...role.levels, [field.key]: e.target.value as FieldGrantLevel })}
          options={LEVELS.map((l) => ({
            value: l,
            label: t(`fieldGrants.${l}`),
            disabled: l === 'hidden' && field.alwaysVisible,
          }))}
        />
        {effective !== level ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('fieldGrants.effective', { level: t(`fieldGrants.${effective}`) })}
          </Typography.Text>
        ) : null}
      </Space>
    );
  };

  return (
    <Card title={t('fieldGrants.title')} style={{ marginTop: 16 }} data-testid="field-grants">
      <Typography.Paragraph type="secondary">{t('fieldGrants.intro')}</Typography.Paragraph>
      <ErrorAlert error={matrix.error} onRetry={() => void matrix.refetch()} />
      <Table<FieldGrantField>
        size="small"
        rowKey="key"
        loading={matrix.isPending}
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={matrix.data?.fields ?? []}
        columns={[
          {
            key: 'field',
            title: t('fieldGrants.field'),
            fixed: 'left',
            render: (_, f) => (
              <Space size={4} wrap>
                <span>{lang === 'en' ? f.labelEn : f.labelZh}</span>
                {f.custom ? <Tag>{t('fieldGrants.custom')}</Tag> : null}
                {f.alwaysVisible ? (
                  <Tooltip title={t('fieldGrants.alwaysVisible')}>
                    <LockOutlined style={{ color: '#999' }} />
                  </Tooltip>
                ) : null}
              </Space>
            ),
          },
          ...roles.map((role) => ({
            key: role.key,
            title: (
              <Space orientation="vertical" size={2}>
                <span>{roleLabel(t, role.key)}</span>
                {role.fixed ? null : role.customized ? (
                  <Button size="small" type="link" style={{ padding: 0 }} onClick={() => void save(role, null)} data-testid={`grant-reset-${role.key}`}>
                    {t('fieldGrants.reset')}
                  </Button>
                ) : (
                  <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
                    {t('fieldGrants.default')}
                  </Typography.Text>
                )}
              </Space>
            ),
            render: (_: unknown, f: FieldGrantField) => cell(role, f),
          })),
        ]}
      />
    </Card>
  );
}
