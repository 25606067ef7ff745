import type { ReactNode } from 'react';
import { Alert, Button, Card, Checkbox, Col, DatePicker, Flex, Form, Input, Radio, Row, Select, Space, TreeSelect, type FormInstance } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useT } from '../../platform/i18n';
import { teamTree, useTeams, useUsers } from '../accounts';
import { CustomFieldsSection } from '../fields';
import { ADDRESS_KEYS, CHANNELS, PREF_CHANNELS, STAGES, useTags } from './api';
import { FieldGate } from './FieldGate';
import type { CustomerFormValues } from './payload';

export type PiiState = 'editable' | 'locked' | 'denied';

type Props = {
  form: FormInstance<CustomerFormValues>;
  initialValues: CustomerFormValues;
  onFinish: (v: CustomerFormValues) => void;
  pii: PiiState;
  maskedPhones?: string[];
  onUnlockPii?: () => void;
  unlocking?: boolean;
  /** Drawn under the contact details (the create form's 「可能重复」 warning). */
  afterContact?: ReactNode;
  footer: ReactNode;
};

const half = { xs: 24, sm: 12 } as const;
const third = { xs: 24, sm: 12, lg: 8 } as const;
const quarter = { xs: 12, sm: 12, lg: 6 } as const;

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card size="small" title={title} style={{ marginBottom: 12 }}>
      {children}
    </Card>
  );
}

/** 基本信息: kind, name and, for a person, gender and birthdays. */
function BasicSection({ form }: { form: FormInstance<CustomerFormValues> }) {
  const t = useT();
  const kind = Form.useWatch('kind', form);
  const useLunar = Form.useWatch('useLunar', form);
  return (
    <Section title={t('customers.section.basic')}>
      <Row gutter={16}>
        <FieldGate field="kind">
          <Col {...half}>
            <Form.Item name="kind" label={t('field.kind')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'person', label: t('kind.person') },
                  { value: 'organization', label: t('kind.organization') },
                ]}
              />
            </Form.Item>
          </Col>
        </FieldGate>
        <FieldGate field="name">
        <Col {...half}>
          <Form.Item
            name="name"
            label={kind === 'organization' ? t('customers.form.orgName') : t('field.name')}
            rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('field.name') }) }]}
          >
            <Input maxLength={200} showCount />
          </Form.Item>
        </Col>
        </FieldGate>
        {kind !== 'organization' ? (
          <>
            <FieldGate field="gender">
            <Col {...third}>
              <Form.Item name="gender" label={t('field.gender')}>
                <Select allowClear options={(['male', 'female', 'unknown'] as const).map((g) => ({ value: g, label: t(`gender.${g}`) }))} />
              </Form.Item>
            </Col>
            </FieldGate>
            <FieldGate field="birthday">
            <Col {...third}>
              <Form.Item name="birthday" label={t('field.birthday')}>
                <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs()) || d.isBefore(dayjs('1900-01-01'))} />
              </Form.Item>
            </Col>
            <Col {...third}>
              <Form.Item label={t('field.lunarBirthday')}>
                <Form.Item name="useLunar" valuePropName="checked" noStyle>
                  <Checkbox>{t('customers.form.useLunar')}</Checkbox>
                </Form.Item>
                {useLunar ? (
                  <Space.Compact style={{ width: '100%', marginTop: 8 }}>
                    <Form.Item name={['lunarBirthday', 'month']} noStyle>
                      <Select
                        style={{ width: '40%' }}
                        aria-label={t('lunar.month', { m: '' })}
                        options={Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: t('lunar.month', { m: i + 1 }) }))}
                      />
                    </Form.Item>
                    <Form.Item name={['lunarBirthday', 'day']} noStyle>
                      <Select
                        style={{ width: '40%' }}
                        showSearch
                        aria-label={t('lunar.day', { d: '' })}
                        options={Array.from({ length: 30 }, (_, i) => ({ value: i + 1, label: t('lunar.day', { d: i + 1 }) }))}
                      />
                    </Form.Item>
                    <Form.Item name={['lunarBirthday', 'leap']} valuePropName="checked" noStyle>
                      <Checkbox style={{ marginInlineStart: 8, alignSelf: 'center' }}>{t('lunar.leap')}</Checkbox>
                    </Form.Item>
                  </Space.Compact>
                ) : null}
              </Form.Item>
            </Col>
            </FieldGate>
          </>
        ) : null}
      </Row>
    </Section>
  );
}

/** 联系方式: phones (masked unless personal data is editable), email and ID. */
function ContactSection({ pii, maskedPhones, onUnlockPii, unlocking }: Pick<Props, 'pii' | 'maskedPhones' | 'onUnlockPii' | 'unlocking'>) {
  const t = useT();
  const piiEditable = pii === 'editable';

  const piiNotice =
    pii === 'locked' ? (
      <Alert
        type="info"
        showIcon
        title={t('customers.form.piiLocked')}
        action={
          <Button size="small" onClick={onUnlockPii} loading={unlocking}>
            {t('customers.form.piiUnlock')}
          </Button>
        }
        style={{ marginBottom: 12 }}
      />
    ) : pii === 'denied' ? (
      <Alert type="warning" showIcon title={t('customers.form.piiDenied')} style={{ marginBottom: 12 }} />
    ) : null;

  return (
    <Section title={t('customers.section.contact')}>
      {piiNotice}
      <Row gutter={16}>
        <FieldGate field="phones">
        <Col {...half}>
          {piiEditable ? (
            <Form.List name="phones">
              {(fields, { add, remove }) => (
                <Form.Item label={t('field.phones')} style={{ marginBottom: 0 }}>
                  {fields.map((f, i) => (
                    <Flex key={f.key} gap={8} align="start">
                      <Form.Item name={f.name} style={{ flex: 1, marginBottom: 8 }}>
                        <Input inputMode="tel" maxLength={32} placeholder="13812345678" aria-label={`${t('field.phones')} ${i + 1}`} />
                      </Form.Item>
                      {fields.length > 1 ? <Button icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(f.name)} /> : null}
                    </Flex>
                  ))}
                  {fields.length < 10 ? (
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} style={{ marginBottom: 16 }}>
                      {t('customers.form.addPhone')}
                    </Button>
                  ) : null}
                </Form.Item>
              )}
            </Form.List>
          ) : (
            <Form.Item label={t('field.phones')}>
              <Input disabled value={(maskedPhones ?? []).join(t('sep.comma'))} />
            </Form.Item>
          )}
        </Col>
        </FieldGate>
        <FieldGate field="email">
          <Col {...half}>
            <Form.Item name="email" label={t('field.email')}>
              <Input inputMode="email" maxLength={254} />
            </Form.Item>
          </Col>
        </FieldGate>
        <FieldGate field="idNumber">
        <Col {...half}>
          <Form.Item name="idType" label={t('field.idType')}>
            <Select
              allowClear
              disabled={!piiEditable}
              options={(['resident', 'passport', 'other'] as const).map((x) => ({ value: x, label: t(`idType.${x}`) }))}
            />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="idNumber" label={t('field.idNumber')}>
            <Input maxLength={32} disabled={!piiEditable} data-testid="id-number-input" />
          </Form.Item>
        </Col>
        </FieldGate>
      </Row>
    </Section>
  );
}

/** Every field of a customer, in sections; personal data (phones, ID) editable only when `pii` is 'editable'. */
export function CustomerForm({ form, initialValues, onFinish, pii, maskedPhones, onUnlockPii, unlocking, afterContact, footer }: Props) {
  const t = useT();
  const users = useUsers();
  const teams = useTeams();
  const tags = useTags();

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={onFinish}
      scrollToFirstError
      // A long form: Enter in a field (confirming a date, a tag) must not save it half-filled; the button saves.
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') e.preventDefault();
      }}
    >
      <BasicSection form={form} />

      <ContactSection pii={pii} maskedPhones={maskedPhones} onUnlockPii={onUnlockPii} unlocking={unlocking} />
      {afterContact}

      <FieldGate field="address">
      <Section title={t('customers.section.address')}>
        <Row gutter={16}>
          {ADDRESS_KEYS.map((k) => (
            <Col key={k} {...(k === 'street' || k === 'compound' ? half : quarter)}>
              <Form.Item name={['address', k]} label={t(`field.${k}`)}>
                <Input maxLength={k === 'street' ? 200 : k === 'compound' ? 100 : k === 'building' || k === 'unit' || k === 'room' ? 20 : 50} />
              </Form.Item>
            </Col>
          ))}
        </Row>
      </Section>
      </FieldGate>

      <Section title={t('customers.section.tags')}>
        <Row gutter={16}>
          <FieldGate field="tags">
            <Col xs={24}>
              <Form.Item name="tags" label={t('field.tags')} extra={t('customers.form.tagsHint')}>
                <Select mode="tags" maxCount={50} options={(tags.data ?? []).map((x) => ({ value: x.tag, label: x.tag }))} tokenSeparators={[',', '，']} />
              </Form.Item>
            </Col>
          </FieldGate>
          <FieldGate field="preferences">
          <Col {...third}>
            <Form.Item name={['preferences', 'contactChannel']} label={t('field.contactChannel')}>
              <Select allowClear options={PREF_CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))} />
            </Form.Item>
          </Col>
          <Col {...third}>
            <Form.Item name={['preferences', 'contactTime']} label={t('field.contactTime')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col {...third}>
            <Form.Item name={['preferences', 'language']} label={t('field.language')}>
              <Select allowClear options={(['zh-CN', 'en'] as const).map((l) => ({ value: l, label: t(`lang.${l}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name={['preferences', 'interests']} label={t('field.interests')} extra={t('customers.form.interestsHint')}>
              <Select mode="tags" maxCount={30} open={false} tokenSeparators={[',', '，']} />
            </Form.Item>
          </Col>
          </FieldGate>
        </Row>
      </Section>

      <Section title={t('customers.section.ownership')}>
        <Row gutter={16}>
          <FieldGate field="stage">
            <Col {...quarter}>
              <Form.Item name="stage" label={t('field.stage')}>
                <Select options={STAGES.map((s) => ({ value: s, label: t(`stage.${s}`) }))} />
              </Form.Item>
            </Col>
          </FieldGate>
          <FieldGate field="source">
            <Col {...quarter}>
              <Form.Item name="source" label={t('field.source')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
          </FieldGate>
          <FieldGate field="owner">
          <Col {...quarter}>
            <Form.Item name="ownerId" label={t('field.ownerId')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={(users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.displayName }))}
              />
            </Form.Item>
          </Col>
          <Col {...quarter}>
            <Form.Item name="teamId" label={t('field.teamId')}>
              <TreeSelect allowClear treeData={teamTree(teams.data ?? [])} treeDefaultExpandAll />
            </Form.Item>
          </Col>
          </FieldGate>
        </Row>
      </Section>

      <FieldGate field="consent">
      <Section title={t('customers.section.consent')}>
        <Flex gap={24} wrap>
          {CHANNELS.map((ch) => (
            <Form.Item key={ch} name={['consent', ch]} valuePropName="checked" style={{ marginBottom: 0 }}>
              <Checkbox>{t(`channel.${ch}`)}</Checkbox>
            </Form.Item>
          ))}
        </Flex>
      </Section>
      </FieldGate>

      <CustomFieldsSection wrap={(title, children) => <Section title={title}>{children}</Section>} gate={(key, input) => <FieldGate field={`custom.${key}`}>{input}</FieldGate>} />

      <FieldGate field="notes">
        <Section title={t('customers.section.notes')}>
          <Form.Item name="notes" style={{ marginBottom: 0 }}>
            <Input.TextArea rows={3} maxLength={5000} showCount />
          </Form.Item>
        </Section>
      </FieldGate>
      {footer}
    </Form>
  );
}
