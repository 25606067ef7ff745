import type { ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from './platform/api';
import { AuthProvider, useAuth, useSetupStatus, type Permission } from './platform/auth';
import { I18nProvider, useI18n } from './platform/i18n';
import { AppShell } from './platform/layout/AppShell';
import { Loading, NotFound, RequirePermission } from './platform/ui';
import { ChangePasswordPage } from './modules/accounts/ChangePasswordPage';
import { LoginPage } from './modules/accounts/LoginPage';
import { RolesPage } from './modules/accounts/RolesPage';
import { SetupPage } from './modules/accounts/SetupPage';
import { TokensPage } from './modules/accounts/TokensPage';
import { UsersPage } from './modules/accounts/UsersPage';
import { AuditPage } from './modules/audit/AuditPage';
import { CustomerListPage } from './modules/customers/CustomerListPage';
import { CustomerPage } from './modules/customers/CustomerPage';
import { EditCustomerPage, NewCustomerPage } from './modules/customers/CustomerFormPage';
import { TagsPage } from './modules/customers/TagsPage';
import { SettingsPage } from './modules/settings/SettingsPage';
import { ProductsPage } from './modules/transactions/ProductsPage';
import { ImportsPage } from './modules/imports/ImportsPage';
import { DuplicatesRoutes } from './modules/duplicates/DuplicatesRoutes';
import { CustomFieldsPage } from './modules/fields/CustomFieldsPage';
import './modules/transactions/tab';
import './modules/interactions/tab';
import { MyTasksPage } from './modules/interactions/MyTasksPage';
import { TaskBell } from './modules/interactions/TaskBell';
import './modules/messages/tab';
import { TemplatesPage } from './modules/messages/TemplatesPage';
import { OutboxPage } from './modules/messages/OutboxPage';
import { UnsubscribePage } from './modules/messages/UnsubscribePage';
import { MessageSettingsPage } from './modules/messages/MessageSettingsCard';
import { KbPage } from './modules/kb/KbPage';
import { PublicHelpArticlePage, PublicHelpPage } from './modules/kb/PublicHelpPage';
import { PlansPage } from './modules/care/PlansPage';
import { RulesPage } from './modules/care/RulesPage';
import './modules/tickets/tab';
import { TicketQueuePage } from './modules/tickets/TicketQueuePage';
import { TicketPage } from './modules/tickets/TicketPage';
import { TicketSettingsPage } from './modules/tickets/TicketSettingsPage';
import { PublicFollowPage, PublicReportPage } from './modules/tickets/PublicPages';
import { SlaSettingsPage } from './modules/tickets/sla/SlaSettingsPage';
import { TicketReportsPage } from './modules/tickets/sla/TicketReportsPage';
import './modules/analytics/tab';
import { AnalyticsPage } from './modules/analytics/AnalyticsPage';
import { NAV } from './nav';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/** Signed-in pages: first-run setup comes first, then sign-in (coming back here afterwards). */
function RequireSession({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const setup = useSetupStatus();
  const location = useLocation();
  if (loading || setup.isPending) return <Loading />;
  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

const guard = (anyOf: Permission[], page: ReactNode) => <RequirePermission anyOf={anyOf}>{page}</RequirePermission>;

function AppRoutes() {
  return (
    <Routes>
      <Route path="/setup" element={<SetupPage />} />
      <Route path="/login" element={<LoginPage />} />
      <Route path="/unsubscribe/:token" element={<UnsubscribePage />} />
      <Route path="/s/help" element={<PublicHelpPage />} />
      <Route path="/s/report" element={<PublicReportPage />} />
      <Route path="/s/t/:token" element={<PublicFollowPage />} />
      <Route path="/s/help/:id" element={<PublicHelpArticlePage />} />
      <Route
        element={
          <RequireSession>
            <AppShell nav={NAV} headerExtra={<TaskBell />} />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/customers" replace />} />
        <Route path="customers" element={guard(['customer:read'], <CustomerListPage />)} />
        <Route path="customers/new" element={guard(['customer:write'], <NewCustomerPage />)} />
        <Route path="customers/:id" element={guard(['customer:read'], <CustomerPage />)} />
        <Route path="customers/:id/edit" element={guard(['customer:write'], <EditCustomerPage />)} />
        <Route path="tasks" element={guard(['customer:read'], <MyTasksPage />)} />
        <Route path="tickets" element={guard(['ticket:read'], <TicketQueuePage />)} />
        <Route path="tickets/:id" element={guard(['ticket:read'], <TicketPage />)} />
        <Route path="admin/ticket-settings" element={guard(['ticket:manage'], <TicketSettingsPage />)} />
        <Route path="tickets/reports" element={guard(['ticket:read'], <TicketReportsPage />)} />
        <Route path="admin/sla" element={guard(['ticket:manage'], <SlaSettingsPage />)} />
        <Route path="care/plans" element={guard(['care:manage'], <PlansPage />)} />
        <Route path="care/rules" element={guard(['care:manage'], <RulesPage />)} />
        <Route path="kb" element={guard(['kb:read'], <KbPage />)} />
        <Route path="analytics" element={guard(['analytics:read'], <AnalyticsPage />)} />
        <Route path="admin/users" element={guard(['user:manage'], <UsersPage />)} />
        <Route path="admin/roles" element={guard(['user:manage', 'role:manage'], <RolesPage />)} />
        <Route path="admin/audit" element={guard(['audit:read'], <AuditPage />)} />
        <Route path="admin/settings" element={guard(['settings:manage'], <SettingsPage />)} />
        <Route path="admin/tags" element={guard(['tag:manage'], <TagsPage />)} />
        <Route path="admin/custom-fields" element={guard(['settings:manage'], <CustomFieldsPage />)} />
        <Route path="admin/products" element={guard(['product:manage', 'customer:read'], <ProductsPage />)} />
        <Route path="admin/message-templates" element={guard(['message:manage'], <TemplatesPage />)} />
        <Route path="admin/outbox" element={guard(['message:manage'], <OutboxPage />)} />
        <Route path="admin/message-settings" element={guard(['message:manage'], <MessageSettingsPage />)} />
        <Route path="imports/:id?" element={guard(['customer:write'], <ImportsPage />)} />
        <Route path="duplicates/*" element={<DuplicatesRoutes />} />
        <Route path="me/tokens" element={guard(['token:manage'], <TokensPage />)} />
        <Route path="me/password" element={<ChangePasswordPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function Themed({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      button={{ autoInsertSpace: false }}
      theme={{
        token: {
          colorPrimary: '#1668dc',
          borderRadius: 6,
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Helvetica Neue', Arial, sans-serif",
        },
      }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <Themed>
          <BrowserRouter>
            <AuthProvider>
              <AppRoutes />
            </AuthProvider>
          </BrowserRouter>
        </Themed>
      </QueryClientProvider>
    </I18nProvider>
  );
}
