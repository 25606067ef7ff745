import { useMemo, useState, type ReactNode } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { App as AntApp, Avatar, Button, Drawer, Dropdown, Grid, Layout, Menu, Typography, theme, type MenuProps } from 'antd';
import { KeyOutlined, LockOutlined, LogoutOutlined, MenuFoldOutlined, MenuOutlined, MenuUnfoldOutlined, UserOutlined } from '@ant-design/icons';
import { useAuth } from '../auth';
import { useT, type Translate } from '../i18n';
import { LanguageSwitch } from './LanguageSwitch';
import { parentKeys, selectedKey, visibleNav, type NavItem } from './nav';

const { Header, Sider, Content } = Layout;

function toMenuItems(items: NavItem[], t: Translate): MenuProps['items'] {
  return items.map((i) => ({
    key: i.key,
    icon: i.icon,
    label: t(i.label),
    children: i.children ? toMenuItems(i.children, t) : undefined,
  }));
}

/** The signed-in frame: side menu by module (a drawer on phones), company name, modules' header controls, language and user menu. */
export function AppShell({ nav, headerExtra }: { nav: NavItem[]; /** Modules' controls in the header, before the language (e.g. the task bell). */ headerExtra?: ReactNode }) {
  const t = useT();
  const { me, can, signOut } = useAuth();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const isPhone = !screens.md;
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { token } = theme.useToken();

  const template = me?.company.template;
  const items = useMemo(() => visibleNav(nav, can, template), [nav, can, template]);
  const menuItems = useMemo(() => toMenuItems(items, t), [items, t]);
  const current = selectedKey(items, location.pathname);

  const menu = (
    <Menu
      mode="inline"
      items={menuItems}
      selectedKeys={current ? [current] : []}
      defaultOpenKeys={parentKeys(items)}
      onClick={({ key }) => {
        setDrawerOpen(false);
        void navigate(key);
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );

  const userMenu: MenuProps['items'] = [
    ...(can('token:manage') ? [{ key: '/me/tokens', icon: <KeyOutlined />, label: t('menu.tokens') }] : []),
    { key: '/me/password', icon: <LockOutlined />, label: t('menu.password') },
    { type: 'divider' },
    { key: 'signout', icon: <LogoutOutlined />, label: t('menu.signOut'), danger: true },
  ];

  const onUserMenu: MenuProps['onClick'] = ({ key }) => {
    if (key === 'signout') {
      signOut()
        .then(() => navigate('/login', { replace: true, state: { notice: 'signedOut' } }))
        .catch((err: unknown) => message.error(String(err)));
    } else {
      void navigate(key);
    }
  };

  const brand = (
    <div style={{ height: 56, display: 'flex', alignItems: 'center', gap: 8, padding: '0 20px', fontWeight: 600, whiteSpace: 'nowrap', overflow: 'hidden' }}>
      <img src="/favicon.svg" alt="" width={24} height={24} />
      {!collapsed || isPhone ? <span>{t('app.name')}</span> : null}
    </div>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {isPhone ? (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={260}
          styles={{ body: { padding: 0 } }}
          title={t('app.name')}
        >
          {menu}
        </Drawer>
      ) : (
        <Sider
          theme="light"
          width={220}
          collapsible
          collapsed={collapsed}
          trigger={null}
          style={{ borderInlineEnd: `1px solid ${token.colorBorderSecondary}`, position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        >
          {brand}
          {menu}
        </Sider>
      )}
      <Layout>
        <Header
          style={{
            background: token.colorBgContainer,
            padding: isPhone ? '0 8px' : '0 16px',
            display: 'flex',
            alignItems: 'center',
            gap: 8,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            height: 56,
            lineHeight: '56px',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          <Button
            type="text"
            aria-label={t('menu.open')}
            data-testid="menu-toggle"
            icon={isPhone ? <MenuOutlined /> : collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => (isPhone ? setDrawerOpen(true) : setCollapsed((c) => !c))}
          />
          <Typography.Text strong ellipsis style={{ flex: 1, minWidth: 0, fontSize: 16 }} data-testid="company-name">
            {me?.company.companyName}
          </Typography.Text>
          {headerExtra}
          <LanguageSwitch compact={isPhone} />
          <Dropdown menu={{ items: userMenu, onClick: onUserMenu }} trigger={['click']}>
            <Button type="text" data-testid="user-menu" style={{ paddingInline: 6 }}>
              <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: token.colorPrimary }} />
              {isPhone ? null : <span>{me?.user?.displayName}</span>}
            </Button>
          </Dropdown>
        </Header>
        <Content style={{ padding: isPhone ? 8 : 16, minWidth: 0 }}>
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
