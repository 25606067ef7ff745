import { Button, Card, Flex, Result, Typography } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, errorMessage } from '../../platform/api';
import { useT } from '../../platform/i18n';
import { LanguageSwitch } from '../../platform/layout/LanguageSwitch';
import { Loading } from '../../platform/ui';
import type { UnsubscribeInfo } from './api';
import type { CompanySettingsView } from '../../../../src/modules/settings/settings.contract';

/** What GET /api/v1/public/branding answers (no sign-in): what every public page shows about the company. */
type PublicBranding = Pick<CompanySettingsView, 'companyName' | 'hotline' | 'logoUrl'>;

/**
 * The company's logo, name and hotline (a tel: link) above the page, as on the households' other public pages
 * (web/src/public/ui.ts brandLine): read from the public branding endpoint, never from /auth/me, since whoever opens
 * the link is not signed in. Nothing while it loads or when it cannot be read.
 */
function BrandLine() {
  const t = useT();
  const { data: b } = useQuery({ queryKey: ['public', 'branding'], queryFn: () => api.get<PublicBranding>('/api/v1/public/branding'), retry: false, staleTime: 300_000 });
  if (!b) return null;
  return (
    <Flex data-testid="branding" align="center" gap={8} wrap style={{ marginBottom: 12, fontSize: 14 }}>
      {b.logoUrl ? <img src={b.logoUrl} alt="" width={28} height={28} style={{ objectFit: 'contain', borderRadius: 4 }} /> : null}
      <Typography.Text strong>{b.companyName}</Typography.Text>
      {b.hotline ? (
        <Typography.Link href={`tel:${b.hotline.replace(/[^\d+]/g, '')}`} style={{ marginLeft: 'auto', whiteSpace: 'nowrap' }}>
          {t('msg.unsubscribe.hotline')} {b.hotline}
        </Typography.Link>
      ) : null}
    </Flex>
  );
}

/** The page an email's unsubscribe link opens (no sign-in): one button withdraws consent to that channel. */
export function UnsubscribePage() {
  const t = useT();
  const { token = '' } = useParams();
  const info = useQuery({ queryKey: ['unsubscribe', token], queryFn: () => api.get<UnsubscribeInfo>(`/api/v1/unsubscribe/${encodeURIComponent(token)}`), retry: false });
  const confirm = useMutation({ mutationFn: () => api.post<UnsubscribeInfo>(`/api/v1/unsubscribe/${encodeURIComponent(token)}`) });
  // PIPL Art. 24: one click refuses automated marketing on every channel (service notices still come).
  const object = useMutation({ mutationFn: () => api.post<UnsubscribeInfo>(`/api/v1/unsubscribe/${encodeURIComponent(token)}/marketing`) });
  const done = confirm.data ?? (info.data?.withdrawn ? info.data : null);
  const objected = !!(object.data?.marketingObjected ?? confirm.data?.marketingObjected ?? info.data?.marketingObjected);
  const marketing = objected ? (
    <Typography.Text type="success" data-testid="marketing-objected">
      {t('msg.unsubscribe.marketing.done')}
    </Typography.Text>
  ) : (
    <Flex vertical align="center" gap={4}>
      {object.error ? <Typography.Text type="danger">{errorMessage(object.error)}</Typography.Text> : null}
      <Button loading={object.isPending} onClick={() => object.mutate()} data-testid="object-marketing">
        {t('msg.unsubscribe.marketing')}
      </Button>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('msg.unsubscribe.marketing.hint')}
      </Typography.Text>
    </Flex>
  );
  const body = () => {
    if (info.isPending) return <Loading />;
    if (info.isError) return <Result status="warning" title={t('msg.unsubscribe.invalid')} />;
    const params = { company: info.data.companyName, channel: t(`msg.channel.${info.data.channel}`) };
    if (done) {
      return (
        <div data-testid="unsubscribed">
          <Result status="success" title={t('msg.unsubscribe.done', params)} />
          <Flex justify="center">{marketing}</Flex>
        </div>
      );
    }
    return (
      <Flex vertical align="center" gap={16} style={{ padding: 24 }}>
        <Typography.Title level={4} style={{ margin: 0, textAlign: 'center' }}>
          {t('msg.unsubscribe.question', params)}
        </Typography.Title>
        {confirm.error ? <Typography.Text type="danger">{errorMessage(confirm.error)}</Typography.Text> : null}
        <Button type="primary" size="large" loading={confirm.isPending} onClick={() => confirm.mutate()}>
          {t('msg.unsubscribe.confirm')}
        </Button>
        {marketing}
      </Flex>
    );
  };
  return (
    <Flex justify="center" style={{ minHeight: '100vh', padding: 16, background: '#f5f5f5' }}>
      <Card title={t('msg.unsubscribe.title')} extra={<LanguageSwitch />} style={{ width: '100%', maxWidth: 520, alignSelf: 'flex-start', marginTop: '10vh' }}>
        <BrandLine />
        {body()}
      </Card>
    </Flex>
  );
}
