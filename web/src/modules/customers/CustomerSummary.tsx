import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Card, Flex, Space, Tag, Typography } from 'antd';
import { BankOutlined, EnvironmentOutlined, PhoneOutlined, UserOutlined } from '@ant-design/icons';
import { ClampText } from '../../platform/ClampText';
import { useT } from '../../platform/i18n';
import type { CustomerView } from './api';
import { formatAddress, STAGE_COLOR } from './labels';
import { CustomerTags } from './tags';

export function KindIcon({ kind }: { kind: CustomerView['kind'] }) {
  const t = useT();
  return kind === 'organization' ? <BankOutlined aria-label={t('kind.organization')} /> : <UserOutlined aria-label={t('kind.person')} />;
}

export function CustomerName({ customer }: { customer: CustomerView }) {
  return (
    <Link to={`/customers/${customer.id}`} data-testid="customer-link">
      <Space size={6}>
        <KindIcon kind={customer.kind} />
        <ClampText text={customer.name} minWidth={96} maxWidth={320} />
      </Space>
    </Link>
  );
}

/** One customer as a card, for phone-width lists; `leading` goes before the name (a selection checkbox). */
export function CustomerCard({ customer: c, extra, leading }: { customer: CustomerView; extra?: ReactNode; leading?: ReactNode }) {
  const t = useT();
  const address = formatAddress(c.address);
  return (
    <Card size="small" data-testid="customer-card">
      <Flex justify="space-between" align="start" gap={8}>
        <Flex gap={8} align="center" style={{ minWidth: 0 }}>
          {leading}
          <Typography.Text strong style={{ fontSize: 15 }}>
            <CustomerName customer={c} />
          </Typography.Text>
        </Flex>
        <Tag color={STAGE_COLOR[c.stage]} style={{ marginInlineEnd: 0 }}>
          {t(`stage.${c.stage}`)}
        </Tag>
      </Flex>
      {c.phones.length ? (
        <div style={{ marginTop: 6 }}>
          <PhoneOutlined /> {c.phones.join(t('sep.comma'))}
        </div>
      ) : null}
      {address ? (
        <div style={{ marginTop: 4 }}>
          <Typography.Text type="secondary">
            <EnvironmentOutlined /> {address}
          </Typography.Text>
        </div>
      ) : null}
      <Flex justify="space-between" align="center" wrap gap={4} style={{ marginTop: 6 }}>
        <CustomerTags tags={c.tags} testId="card-tags" />
        {extra}
      </Flex>
    </Card>
  );
}
