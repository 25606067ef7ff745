import { useMemo } from 'react';
import { Link } from 'react-router';
import { Alert, Flex, Form, Space, Tag, Typography, type FormInstance } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useT } from '../../platform/i18n';
import { useDebounced } from '../../platform/useDebounced';
import type { DuplicateCheckView } from '../../../../src/modules/customers/duplicate-check.contract';
import { formatAddress } from './labels';
import type { CustomerFormValues } from './payload';

/** How long typing must pause before the check runs. */
const DEBOUNCE_MS = 400;

/** What the form holds so far, as the check's query (empty parts left out). */
function queryOf(phones: string[] | undefined, idNumber: string | null | undefined, name: string | undefined, address: CustomerFormValues['address'] | undefined) {
  const q: Record<string, string> = {};
  const list = (phones ?? []).map((p) => (p ?? '').trim()).filter(Boolean);
  if (list.length) q.phones = list.join(',');
  if (idNumber?.trim()) q.idNumber = idNumber.trim();
  if (name?.trim()) q.name = name.trim();
  for (const k of ['city', 'street', 'compound', 'building', 'unit', 'room'] as const) {
    const v = address?.[k]?.trim();
    if (v) q[k] = v;
  }
  return q;
}

/**
 * 「可能重复」 under the contact details of a new customer: as the user types a phone, an ID number, or a name and an
 * address, the existing customers they match (GET /customers/duplicate-check, after a pause in typing), masked like the
 * list, each with a link (a new tab, so the form keeps what was typed) — and how many match outside the user's data
 * scope, unnamed. Only a warning: 保存 still creates the customer.
 */
export function DuplicateWarning({ form }: { form: FormInstance<CustomerFormValues> }) {
  const t = useT();
  const phones = Form.useWatch('phones', form);
  const idNumber = Form.useWatch('idNumber', form);
  const name = Form.useWatch('name', form);
  const address = Form.useWatch('address', form);
  const key = useMemo(() => JSON.stringify(queryOf(phones, idNumber, name, address)), [phones, idNumber, name, address]);
  const settled = useDebounced(key, DEBOUNCE_MS);
  const query = JSON.parse(settled) as Record<string, string>;
  // Something a duplicate could be found by: a phone, an ID number, or a name with an address.
  const checkable = !!(query.phones || query.idNumber || (query.name && Object.keys(query).length > 1));
  const check = useQuery({
    queryKey: ['customers', 'duplicate-check', settled],
    queryFn: ({ signal }) => api.get<DuplicateCheckView>('/api/v1/customers/duplicate-check', query, signal),
    enabled: checkable,
    staleTime: 30_000,
    retry: false,
  });
  const data = checkable ? check.data : undefined;
  if (!data) return null;
  // A person erased at their request (PIPL): the phone or ID number typed was theirs (the keyed hash the privacy module keeps).
  const erased = data.erased?.length ? (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="duplicate-erased"
      style={{ marginBottom: 12 }}
      title={t('customers.dup.erasedTitle')}
      description={data.erased.map((e) => (
        <div key={e.reason}>{t('customers.dup.erased', { reason: t(`customers.dup.erasedKind.${e.reason}`), day: e.erasedOn })}</div>
      ))}
    />
  ) : null;
  if (!data.matches.length && !data.outsideScope.length) return erased;
  return (
    <>
      {erased}
      <Alert
      type="warning"
      showIcon
      role="alert"
      data-testid="duplicate-warning"
      style={{ marginBottom: 12 }}
      title={t('customers.dup.title')}
      description={
        <Flex vertical gap={6}>
          <Typography.Text type="secondary">{t('customers.dup.intro')}</Typography.Text>
          {data.matches.map((m) => (
            <Flex key={m.id} wrap gap={8} align="center" data-testid="duplicate-match" data-id={m.id}>
              <Link to={`/customers/${m.id}`} target="_blank" rel="noopener">
                {m.name}
              </Link>
              {m.phones.length ? <Typography.Text>{m.phones.join(t('sep.comma'))}</Typography.Text> : null}
              {m.idNumber ? <Typography.Text>{m.idNumber}</Typography.Text> : null}
              {formatAddress(m.address) ? <Typography.Text type="secondary">{formatAddress(m.address)}</Typography.Text> : null}
              {m.ownerName ? <Typography.Text type="secondary">{t('customers.dup.owner', { name: m.ownerName })}</Typography.Text> : null}
              <Space size={0}>
                {m.reasons.map((r) => (
                  <Tag key={r} color="orange">
                    {t(`dup.reason.${r}`)}
                  </Tag>
                ))}
              </Space>
            </Flex>
          ))}
          {data.outsideScope.map((o) => (
            <Typography.Text key={o.reason} data-testid="duplicate-outside">
              {t('customers.dup.outside', { n: o.count, reason: t(`dup.reason.${o.reason}`) })}
            </Typography.Text>
          ))}
          <Typography.Text type="secondary">{t('customers.dup.stillSave')}</Typography.Text>
        </Flex>
      }
      />
    </>
  );
}
