import { Button, Descriptions, Space, Tag, Tooltip, Typography, type DescriptionsProps } from 'antd';
import { CheckCircleFilled, CloseCircleOutlined, EyeOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { useTeams } from '../accounts';
import { useCustomDescriptionItems } from '../fields';
import { CHANNELS, useFieldAccess } from './api';
import { enumLabel, formatAddress, formatLunar, STAGE_COLOR } from './labels';
import { CustomerTags } from './tags';
import type { CustomerTabContext } from './tabs';

/** 概况: everything on the customer's record; masked phone / ID with a reveal button for those allowed. */
export function ProfileTab({ customer: c, revealed, reveal, revealing }: CustomerTabContext) {
  const t = useT();
  const { can } = useAuth();
  const teams = useTeams();
  const none = t('common.none');
  const phones = revealed?.phones ?? c.phones;
  const idNumber = revealed ? revealed.idNumber : c.idNumber;
  const masked = c.piiMasked && !revealed && (c.phones.length > 0 || !!c.idNumber);
  const teamName = c.teamId ? (teams.data?.find((tm) => tm.id === c.teamId)?.name ?? '') : none;
  const p = c.preferences;
  const access = useFieldAccess();
  const customItems = useCustomDescriptionItems(c.custom).filter((i) => access.visible(i.key));
  // 字段权限: a field the user's role does not see is not shown at all (the API left it empty and named it in `hidden`).
  const shown = (field: string) => !c.hidden.includes(field) && access.visible(field);
  const GRANT: Record<string, string> = {
    phones: 'phones',
    email: 'email',
    gender: 'gender',
    birthday: 'birthday',
    lunar: 'birthday',
    id: 'idNumber',
    address: 'address',
    source: 'source',
    channel: 'preferences',
    time: 'preferences',
    language: 'preferences',
    interests: 'preferences',
    consent: 'consent',
    notes: 'notes',
  };

  const revealButton =
    masked && can('customer:pii') ? (
      <Tooltip title={t('customers.revealHint')}>
        <Button size="small" type="link" icon={<EyeOutlined />} loading={revealing} onClick={() => void reveal()} data-testid="reveal">
          {t('customers.reveal')}
        </Button>
      </Tooltip>
    ) : null;

  return (
    <Descriptions
      bordered
      size="small"
      styles={{ label: { whiteSpace: 'nowrap' } }}
      column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 3, xxl: 3 }}
      items={(
        [
        { key: 'kind', label: t('field.kind'), children: enumLabel(t, 'kind', c.kind) },
        {
          key: 'phones',
          label: t('field.phones'),
          children: (
            <Space wrap size={4} data-testid="phones">
              <span>{phones.length ? phones.join(t('sep.comma')) : none}</span>
              {masked && phones.length ? <Tag>{t('customers.masked')}</Tag> : null}
              {revealButton}
            </Space>
          ),
        },
        { key: 'email', label: t('field.email'), children: c.email ?? none },
        ...(c.kind === 'person'
          ? [
              { key: 'gender', label: t('field.gender'), children: c.gender ? enumLabel(t, 'gender', c.gender) : none },
              { key: 'birthday', label: t('field.birthday'), children: c.birthday ?? none },
              { key: 'lunar', label: t('field.lunarBirthday'), children: formatLunar(t, c.lunarBirthday) || none },
            ]
          : []),
        {
          key: 'id',
          label: t('field.idNumber'),
          children: (
            <span data-testid="id-number">
              {idNumber ? `${c.idType ? enumLabel(t, 'idType', c.idType) + ' ' : ''}${idNumber}` : none}
            </span>
          ),
        },
        { key: 'address', label: t('field.address'), span: 'filled', children: <span data-testid="address">{formatAddress(c.address) || none}</span> },
        {
          key: 'tags',
          label: t('field.tags'),
          span: 'filled',
          children: c.tags.length ? (
            <CustomerTags tags={c.tags} fallback="blue" testId="tags" />
          ) : (
            none
          ),
        },
        { key: 'stage', label: t('field.stage'), children: <Tag color={STAGE_COLOR[c.stage]}>{t(`stage.${c.stage}`)}</Tag> },
        { key: 'owner', label: t('field.ownerId'), children: c.ownerName ?? none },
        { key: 'team', label: t('field.teamId'), children: teamName || none },
        { key: 'source', label: t('field.source'), children: c.source ?? none },
        { key: 'channel', label: t('field.contactChannel'), children: p.contactChannel ? enumLabel(t, 'channel', p.contactChannel) : none },
        { key: 'time', label: t('field.contactTime'), children: p.contactTime ?? none },
        { key: 'language', label: t('field.language'), children: p.language ? t(`lang.${p.language}`) : none },
        { key: 'interests', label: t('field.interests'), children: p.interests?.length ? p.interests.join(t('sep.list')) : none },
        {
          key: 'consent',
          label: t('field.consent'),
          span: 'filled',
          children: (
            <Space wrap size={12}>
              {CHANNELS.map((ch) => (
                <span key={ch}>
                  {c.consent[ch] ? <CheckCircleFilled style={{ color: '#52c41a' }} /> : <CloseCircleOutlined style={{ color: '#bfbfbf' }} />}{' '}
                  {t(`channel.${ch}`)} {c.consent[ch] ? t('consent.granted') : t('consent.denied')}
                </span>
              ))}
            </Space>
          ),
        },
        ...customItems,
        {
          key: 'notes',
          label: t('field.notes'),
          span: 'filled',
          children: c.notes ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.notes}</Typography.Paragraph> : none,
        },
        { key: 'created', label: t('field.createdAt'), children: formatDateTime(c.createdAt) },
        { key: 'updated', label: t('field.updatedAt'), children: formatDateTime(c.updatedAt) },
        ] as NonNullable<DescriptionsProps['items']>
      ).filter((item) => !GRANT[String(item.key)] || shown(GRANT[String(item.key)]!))}
    />
  );
}
