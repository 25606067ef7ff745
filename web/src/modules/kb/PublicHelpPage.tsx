import { useState } from 'react';
import { Button, Card, Empty, Flex, Input, List, Result, Tag, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { formatDateTime } from '../../platform/format';
import { useI18n, useT } from '../../platform/i18n';
import { LanguageSwitch } from '../../platform/layout/LanguageSwitch';
import { Loading } from '../../platform/ui';
import { ArticleBody } from './ArticleBody';
import { usePublicArticle, usePublicArticles, usePublicCategories } from './api';

function Shell({ children }: { children: React.ReactNode }) {
  const t = useT();
  return (
    <div style={{ minHeight: '100vh', background: '#f5f5f5' }}>
      <Flex justify="space-between" align="center" style={{ padding: '12px 16px', background: '#1668dc', color: '#fff' }}>
        <Link to="/s/help" style={{ color: '#fff', fontSize: 17, fontWeight: 600 }}>
          {t('help.title')}
        </Link>
        <LanguageSwitch />
      </Flex>
      <div style={{ maxWidth: 760, margin: '0 auto', padding: 12 }}>{children}</div>
    </div>
  );
}

/** The public self-service answers page (no sign-in): search, categories, published public articles. */
export function PublicHelpPage() {
  const t = useT();
  const { lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const categoryId = params.get('c') ?? undefined;
  const [draft, setDraft] = useState(q);
  const categories = usePublicCategories();
  const articles = usePublicArticles({ q: q || undefined, categoryId });
  const set = (next: { q?: string; c?: string }) => {
    const p = new URLSearchParams();
    if (next.q) p.set('q', next.q);
    if (next.c) p.set('c', next.c);
    setParams(p);
  };
  const roots = (categories.data ?? []).filter((c) => !c.parentId);
  const items = articles.data?.items ?? [];
  return (
    <Shell>
      <Input.Search
        size="large"
        allowClear
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        placeholder={t('help.search')}
        enterButton={t('help.searchButton')}
        onSearch={(v) => set({ q: v.trim(), c: categoryId })}
        maxLength={200}
        data-testid="help-search"
        style={{ marginBottom: 12 }}
      />
      <Flex wrap gap={6} style={{ marginBottom: 12 }}>
        <Tag.CheckableTag checked={!categoryId} onChange={() => set({ q })}>
          {t('help.all')}
        </Tag.CheckableTag>
        {roots.map((c) => (
          <Tag.CheckableTag key={c.id} checked={categoryId === c.id} onChange={() => set({ q, c: c.id })}>
            {lang === 'en' && c.nameEn ? c.nameEn : c.name}
          </Tag.CheckableTag>
        ))}
      </Flex>
      <Card size="small" styles={{ body: { padding: 0 } }}>
        {articles.isPending ? (
          <Loading />
        ) : !items.length ? (
          <Empty style={{ padding: 24 }} description={t('help.empty')} />
        ) : (
          <List
            header={q ? <Typography.Text type="secondary" style={{ paddingLeft: 16 }}>{t('help.results', { n: articles.data?.total ?? items.length })}</Typography.Text> : undefined}
            dataSource={items}
            renderItem={(a) => (
              <List.Item style={{ padding: '12px 16px' }} data-testid="help-result">
                <List.Item.Meta
                  title={
                    <Link to={`/s/help/${a.id}`} style={{ fontSize: 16 }}>
                      {lang === 'en' && a.titleEn ? a.titleEn : a.title}
                    </Link>
                  }
                  description={a.snippet ?? a.summary}
                />
              </List.Item>
            )}
          />
        )}
      </Card>
    </Shell>
  );
}

/** One public article. */
export function PublicHelpArticlePage() {
  const t = useT();
  const { lang } = useI18n();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const article = usePublicArticle(id);
  const a = article.data;
  return (
    <Shell>
      <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/s/help'))} style={{ paddingLeft: 0 }}>
        {t('help.back')}
      </Button>
      {article.isPending ? (
        <Loading />
      ) : !a ? (
        <Result status="404" title={t('help.notFound')} />
      ) : (
        <Card>
          <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="help-article-title">
            {lang === 'en' && a.titleEn ? a.titleEn : a.title}
          </Typography.Title>
          <Typography.Text type="secondary">{t('help.updated', { date: formatDateTime(a.updatedAt) })}</Typography.Text>
          {a.summary ? <Typography.Paragraph style={{ marginTop: 12 }}>{a.summary}</Typography.Paragraph> : null}
          <ArticleBody body={a.body} format={a.bodyFormat} />
        </Card>
      )}
    </Shell>
  );
}
