import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { App as AntApp, ConfigProvider, Flex, Spin } from 'antd';
// Ant Design's styles as one prebuilt stylesheet (zero-runtime, below): see Themed.
import 'antd/dist/antd.css';
import zhCN from 'antd/es/locale/zh_CN';
import enUS from 'antd/es/locale/en_US';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from './platform/api';
import { AuthProvider, useAuth, useSetupStatus, type Permission } from './platform/auth';
import { I18nProvider, useI18n, useT } from './platform/i18n';
import { lazyPage } from './platform/lazyPage';
import { useReducedMotion } from './platform/motion';
import { ChangePasswordPage, LoginPage, RolesPage, SecurityPage, SetupPage, TokensPage, UsersPage } from './modules/accounts/routes';
import * as analytics from './modules/analytics/routes';
import { AuditPage } from './modules/audit/routes';
import { CampaignsRoutes } from './modules/campaigns/routes';
import { PlansPage, RulesPage } from './modules/care/routes';
import { CustomerListPage, customerPageWithTabs, EditCustomerPage, NewCustomerPage, TagsPage } from './modules/customers/routes';
import { HomePage } from './modules/dashboards/routes';
import { DuplicatesRoutes } from './modules/duplicates/routes';
import { FeedbackAnalysisPage, FeedbackInboxPage } from './modules/feedback/routes';
import { CustomFieldsPage } from './modules/fields/routes';
import { GoalsRoutes } from './modules/goals/routes';
import { ImportsPage } from './modules/imports/routes';
import { PerformanceRoutes } from './modules/performance/routes';
import { HeatingRoutes } from './modules/heating/routes';
import { ReportsRoutes } from './modules/reports/routes';
import * as interactions from './modules/interactions/routes';
import { KbPage } from './modules/kb/routes';
import * as loyalty from './modules/loyalty/routes';
import * as messages from './modules/messages/routes';
import * as notifications from './modules/notifications/routes';
import { PrivacyPage, RetentionPage, loadCustomerTab as loadConsentTab } from './modules/privacy/routes';
import { SegmentsRoutes } from './modules/segments/routes';
import { SettingsPage } from './modules/settings/routes';
import { SurveysRoutes } from './modules/surveys/routes';
import * as tickets from './modules/tickets/routes';
import * as transactions from './modules/transactions/routes';

/**
 * Every page is its own chunk, fetched when its route is first shown: the sign-in page loads only what it draws, not
 * all of antd, the charts or the other modules' pages. Each module's routes.ts exports its pages as lazy components
 * (platform/lazyPage: a chunk missing after an upgrade reloads the page once); its index.ts is what other modules
 * use. (The household's public pages /s/* are not in this app at all: see web/public.html.)
 */
const Shell = lazyPage(() => import('./shell'), 'Shell');
const NotFound = lazyPage(() => import('./platform/ui'), 'NotFound');
/** The 403 page of platform/ui (RequirePermission with nothing allowed), fetched only when it is shown. */
const Forbidden = lazy(async () => {
  const { RequirePermission } = await import('./platform/ui');
  return { default: () => <RequirePermission anyOf={[]}>{null}</RequirePermission> };
});
/** The 360 page with the tabs and header actions other modules register on it (each tab's code comes with it). */
const CustomerPage = customerPageWithTabs([
  transactions.loadCustomerTab,
  interactions.loadCustomerTab,
  messages.loadCustomerTab,
  tickets.loadCustomerTab,
  analytics.loadCustomerTab,
  loyalty.loadCustomerTab,
  loadConsentTab,
]);

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
  const { me, loading, signedOut } = useAuth();
  const setup = useSetupStatus();
  const location = useLocation();
  if (loading || setup.isPending) return <Loading />;
  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  // After the user's own sign-out: the same destination as the menu's (auth.tsx, signedOut says why).
  if (!me) return <Navigate to="/login" replace state={signedOut ? { notice: 'signedOut' } : { from: location.pathname + location.search }} />;
  return <>{children}</>;
}

/** What shows while a page's chunk loads (platform/ui's Loading, without importing platform/ui up front). */
function Loading() {
  const t = useT();
  return (
    <Flex justify="center" align="center" style={{ padding: 48 }}>
      <Spin description={t('app.loading')} />
    </Flex>
  );
}

/** A page while its chunk loads: the spinner inside the layout, not a blank screen. */
const loaded = (element: ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

/** Menus and buttons follow the permissions; the server decides access. Without one of `anyOf`: the 403 page. */
function Guard({ anyOf, children }: { anyOf: Permission[]; children: ReactNode }) {
  const { can } = useAuth();
  return loaded(anyOf.some(can) ? children : <Forbidden />);
}
const guard = (anyOf: Permission[], element: ReactNode) => <Guard anyOf={anyOf}>{element}</Guard>;

function AppRoutes() {
  return (
    <Routes>
      <Route path="/setup" element={loaded(<SetupPage />)} />
      <Route path="/login" element={loaded(<LoginPage />)} />
      <Route path="/unsubscribe/:token" element={loaded(<messages.UnsubscribePage />)} />
      <Route
        element={
          <RequireSession>{loaded(<Shell />)}</RequireSession>
        }
      >
        <Route index element={loaded(<HomePage />)} />
        <Route path="customers" element={guard(['customer:read'], <CustomerListPage />)} />
        <Route path="customers/new" element={guard(['customer:write'], <NewCustomerPage />)} />
        <Route path="customers/:id" element={guard(['customer:read'], <CustomerPage />)} />
        <Route path="customers/:id/edit" element={guard(['customer:write'], <EditCustomerPage />)} />
        <Route path="tasks" element={guard(['customer:read'], <interactions.MyTasksPage />)} />
        <Route path="heating/*" element={guard(['customer:read'], <HeatingRoutes />)} />
        <Route path="notifications" element={loaded(<notifications.NotificationsPage />)} />
        <Route path="tickets" element={guard(['ticket:read'], <tickets.TicketQueuePage />)} />
        <Route path="tickets/:id" element={guard(['ticket:read'], <tickets.TicketPage />)} />
        <Route path="admin/ticket-settings" element={guard(['ticket:manage'], <tickets.TicketSettingsPage />)} />
        <Route path="tickets/reports" element={guard(['ticket:read'], <tickets.TicketReportsPage />)} />
        <Route path="admin/sla" element={guard(['ticket:manage'], <tickets.SlaSettingsPage />)} />
        <Route path="care/plans" element={guard(['care:manage'], <PlansPage />)} />
        <Route path="care/rules" element={guard(['care:manage'], <RulesPage />)} />
        <Route path="kb" element={guard(['kb:read'], <KbPage />)} />
        <Route path="feedback" element={guard(['feedback:read'], <FeedbackInboxPage />)} />
        <Route path="feedback/analysis" element={guard(['feedback:read'], <FeedbackAnalysisPage />)} />
        <Route path="loyalty" element={guard(['loyalty:read'], <loyalty.LoyaltyPage />)} />
        <Route path="analytics" element={guard(['analytics:read'], <analytics.AnalyticsPage />)} />
        <Route path="segments/*" element={guard(['segment:read'], <SegmentsRoutes />)} />
        <Route path="campaigns/*" element={guard(['campaign:read'], <CampaignsRoutes />)} />
        <Route path="surveys/*" element={guard(['survey:read'], <SurveysRoutes />)} />
        <Route path="goals/*" element={guard(['goal:read'], <GoalsRoutes />)} />
        <Route path="performance/*" element={guard(['performance:read'], <PerformanceRoutes />)} />
        <Route path="reports/*" element={guard(['report:read'], <ReportsRoutes />)} />
        <Route path="admin/users" element={guard(['user:manage'], <UsersPage />)} />
        <Route path="admin/roles" element={guard(['user:manage', 'role:manage'], <RolesPage />)} />
        <Route path="admin/audit" element={guard(['audit:read'], <AuditPage />)} />
        <Route path="privacy" element={guard(['privacy:manage'], <PrivacyPage />)} />
        <Route path="privacy/retention" element={guard(['privacy:manage'], <RetentionPage />)} />
        <Route path="admin/settings" element={guard(['settings:manage'], <SettingsPage />)} />
        <Route path="admin/tags" element={guard(['tag:manage'], <TagsPage />)} />
        <Route path="admin/custom-fields" element={guard(['settings:manage'], <CustomFieldsPage />)} />
        <Route path="admin/products" element={guard(['product:manage', 'customer:read'], <transactions.ProductsPage />)} />
        <Route path="admin/message-templates" element={guard(['message:manage'], <messages.TemplatesPage />)} />
        <Route path="admin/outbox" element={guard(['message:manage'], <messages.OutboxPage />)} />
        <Route path="admin/message-settings" element={guard(['message:manage'], <messages.MessageSettingsPage />)} />
        <Route path="imports/:id?" element={guard(['customer:write'], <ImportsPage />)} />
        <Route path="duplicates/*" element={loaded(<DuplicatesRoutes />)} />
        <Route path="me/tokens" element={guard(['token:manage'], <TokensPage />)} />
        <Route path="me/password" element={loaded(<ChangePasswordPage />)} />
        <Route path="me/security" element={loaded(<SecurityPage />)} />
        <Route path="*" element={loaded(<NotFound />)} />
      </Route>
    </Routes>
  );
}

function Themed({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const reducedMotion = useReducedMotion();
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      button={{ autoInsertSpace: false }}
      theme={{
        // Zero-runtime: the components' styles come from antd/dist/antd.css (imported above, ~105 KB gzipped, cached)
        // instead of being generated in the page by CSS-in-JS on every load; our tokens still apply as CSS variables.
        // Measured on five pages of the demo in fresh browser contexts (2026-12-07): the page's main-thread work per
        // visit 1.4–1.7 s → 0.82 s, its scripts 1.0–1.2 s → 0.46 s. docs/ARCHITECTURE.md (Web) has the reasons.
        zeroRuntime: true,
        token: {
          colorPrimary: '#1668dc',
          borderRadius: 6,
          motion: !reducedMotion,
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
            <AuthProvider publicPaths={['/unsubscribe/']}>
              <AppRoutes />
            </AuthProvider>
          </BrowserRouter>
        </Themed>
      </QueryClientProvider>
    </I18nProvider>
  );
}
