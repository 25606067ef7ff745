import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button, Empty, Grid, Input, Modal, Spin, Tooltip, Typography, theme, type InputRef } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { useDebounced } from '../../platform/useDebounced';
import { searchable, useGlobalSearch, type SearchGroupKey, type SearchHit } from './api';

const GROUP_LABEL = {
  customers: 'search.group.customers',
  tickets: 'search.group.tickets',
  articles: 'search.group.articles',
  users: 'search.group.users',
} as const satisfies Record<SearchGroupKey, string>;

type Row = { group: SearchGroupKey; hit: SearchHit; index: number };

/**
 * The global search in the header: a box (an icon at phone width) and Ctrl+K / ⌘K anywhere but in a textarea or an
 * editor, opening a command palette — the text is debounced, the server's groups are shown under headings, ↑/↓ move, Enter opens, Esc closes.
 */
export function GlobalSearch() {
  const t = useT();
  const { me } = useAuth();
  const isPhone = !Grid.useBreakpoint().md;
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      // Not while writing a longer text (a textarea, an editor): there Ctrl+K is the editor's own (delete to line end).
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!me?.user) return null;
  return (
    <>
      {isPhone ? (
        <Button type="text" aria-label={t('search.open')} data-testid="global-search-open" icon={<SearchOutlined style={{ fontSize: 18 }} />} onClick={() => setOpen(true)} />
      ) : (
        <Tooltip title={t('search.shortcut')}>
          <Button data-testid="global-search-open" aria-label={t('search.shortcut')} onClick={() => setOpen(true)} style={{ width: 240, justifyContent: 'flex-start', color: 'rgba(0,0,0,0.45)' }} icon={<SearchOutlined />}>
            <span style={{ flex: 1, textAlign: 'start' }}>{t('search.open')}</span>
            <Typography.Text keyboard style={{ fontSize: 12 }}>
              Ctrl K
            </Typography.Text>
          </Button>
        </Tooltip>
      )}
      {open ? <SearchPalette onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function SearchPalette({ onClose }: { onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const { token } = theme.useToken();
  const [q, setQ] = useState('');
  // The highlighted row, for the answer it was chosen in (a new answer starts at its first row).
  const [selection, setSelection] = useState<{ of: unknown; index: number }>({ of: null, index: 0 });
  const input = useRef<InputRef>(null);
  const list = useRef<HTMLDivElement>(null);
  const settled = useDebounced(q, 200);
  const result = useGlobalSearch(settled, true);
  const ready = searchable(q.trim());

  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [];
    if (!ready) return out;
    for (const g of result.data?.groups ?? []) for (const hit of g.hits) out.push({ group: g.group, hit, index: out.length });
    return out;
  }, [result.data, ready]);

  const active = selection.of === result.data ? selection.index : 0;
  const setActive = (next: (a: number) => number) => setSelection({ of: result.data, index: next(active) });
  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const openRow = useCallback(
    (row: Row | undefined) => {
      if (!row?.hit.link) return;
      onClose();
      void navigate(row.hit.link);
    },
    [navigate, onClose],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!rows.length) return;
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : rows.length - 1)) % rows.length);
    } else if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      openRow(rows[active]);
    }
  };

  const groups = result.data?.groups.filter((g) => g.hits.length) ?? [];
  return (
    <Modal
      open
      onCancel={onClose}
      footer={null}
      closable={false}
      title={null}
      width={640}
      style={{ top: 64, maxWidth: 'calc(100vw - 16px)' }}
      styles={{ body: { padding: 0 } }}
      afterOpenChange={(o) => o && input.current?.focus()}
      destroyOnHidden
    >
      <Input
        ref={input}
        autoFocus
        size="large"
        allowClear
        variant="borderless"
        prefix={<SearchOutlined />}
        placeholder={t('search.placeholder')}
        aria-label={t('search.open')}
        data-testid="global-search-input"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={onKeyDown}
        role="combobox"
        aria-expanded={rows.length > 0}
        aria-controls="global-search-results"
        aria-activedescendant={rows[active] ? `global-search-hit-${active}` : undefined}
        style={{ padding: '12px 16px', borderBottom: `1px solid ${token.colorBorderSecondary}` }}
      />
      <div ref={list} id="global-search-results" role="listbox" aria-label={t('search.results')} style={{ maxHeight: '60vh', overflowY: 'auto', padding: '4px 0' }}>
        {!q.trim() ? null : !ready ? (
          <Typography.Text type="secondary" style={{ display: 'block', padding: '12px 16px' }}>
            {t('search.tooShort')}
          </Typography.Text>
        ) : result.isFetching && !result.data ? (
          <div style={{ padding: 24, textAlign: 'center' }}>
            <Spin />
          </div>
        ) : !groups.length ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('search.empty')} />
        ) : (
          groups.map((g) => (
            <div key={g.group} role="group" aria-label={t(GROUP_LABEL[g.group])} data-testid={`global-search-group-${g.group}`}>
              <Typography.Text type="secondary" strong style={{ display: 'block', padding: '8px 16px 4px', fontSize: 12 }}>
                {t(GROUP_LABEL[g.group])}
              </Typography.Text>
              {rows
                .filter((r) => r.group === g.group)
                .map((r) => (
                  <div
                    key={r.hit.id}
                    id={`global-search-hit-${r.index}`}
                    role="option"
                    aria-selected={r.index === active}
                    aria-disabled={!r.hit.link}
                    data-index={r.index}
                    data-testid="global-search-hit"
                    onMouseEnter={() => setActive(() => r.index)}
                    onClick={() => openRow(r)}
                    style={{
                      padding: '6px 16px',
                      cursor: r.hit.link ? 'pointer' : 'default',
                      background: r.index === active ? token.controlItemBgActive : undefined,
                      minWidth: 0,
                    }}
                  >
                    <Typography.Text ellipsis style={{ display: 'block' }}>
                      {r.hit.title}
                    </Typography.Text>
                    {r.hit.subtitle ? (
                      <Typography.Text type="secondary" ellipsis style={{ display: 'block', fontSize: 12 }}>
                        {r.hit.subtitle}
                      </Typography.Text>
                    ) : null}
                  </div>
                ))}
            </div>
          ))
        )}
      </div>
      <div style={{ padding: '6px 16px', borderTop: `1px solid ${token.colorBorderSecondary}`, fontSize: 12, color: token.colorTextTertiary }}>{t('search.keys')}</div>
    </Modal>
  );
}
