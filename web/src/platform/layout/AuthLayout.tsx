import type { ReactNode } from 'react';
import { Card, Flex, Typography, theme } from 'antd';
import { useT } from '../i18n';
import { LanguageSwitch } from './LanguageSwitch';

/** The frame of the pages before sign-in: a centred card, the product name, the language switch. */
export function AuthLayout({ title, subtitle, width = 420, children }: { title: string; subtitle?: ReactNode; width?: number; children: ReactNode }) {
  const t = useT();
  const { token } = theme.useToken();
  return (
    <Flex vertical align="center" style={{ minHeight: '100vh', background: token.colorBgLayout, padding: '16px 12px 48px' }}>
      <Flex justify="space-between" align="center" style={{ width: '100%', maxWidth: width }}>
        <Flex align="center" gap={8}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <Typography.Text strong style={{ fontSize: 16 }}>
            {t('app.name')}
          </Typography.Text>
        </Flex>
        <LanguageSwitch />
      </Flex>
      <Card style={{ width: '100%', maxWidth: width, marginTop: 24 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {title}
        </Typography.Title>
        {subtitle ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
            {subtitle}
          </Typography.Paragraph>
        ) : null}
        {children}
      </Card>
    </Flex>
  );
}
