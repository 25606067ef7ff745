import { BarChartOutlined, FieldTimeOutlined, HistoryOutlined } from '@ant-design/icons';
import { FormOutlined } from '@ant-design/icons';
import { AppstoreOutlined, AuditOutlined, KeyOutlined, LockOutlined, SafetyCertificateOutlined, SettingOutlined, TagsOutlined, TeamOutlined, ToolOutlined, UserOutlined, ContactsOutlined, ImportOutlined } from '@ant-design/icons';
import { MergeCellsOutlined } from '@ant-design/icons';
import { ScheduleOutlined } from '@ant-design/icons';
import { GiftOutlined, PhoneOutlined } from '@ant-design/icons';
import { ApiOutlined, MailOutlined, SendOutlined } from '@ant-design/icons';
import { BookOutlined } from '@ant-design/icons';
import { ControlOutlined, CustomerServiceOutlined } from '@ant-design/icons';
import { FundOutlined } from '@ant-design/icons';
import { ClusterOutlined } from '@ant-design/icons';
import { NotificationOutlined } from '@ant-design/icons';
import { SmileOutlined } from '@ant-design/icons';
import { HomeOutlined } from '@ant-design/icons';
import { BellOutlined } from '@ant-design/icons';
import { AimOutlined } from '@ant-design/icons';
import { TrophyOutlined } from '@ant-design/icons';
import { FileTextOutlined } from '@ant-design/icons';
import { CommentOutlined, LineChartOutlined } from '@ant-design/icons';
import { CrownOutlined } from '@ant-design/icons';
import { SafetyOutlined } from '@ant-design/icons';
import { ApartmentOutlined, FireOutlined, AccountBookOutlined, SoundOutlined } from '@ant-design/icons';
import type { NavItem } from './platform/layout/nav';

/** The side menu, by module. Each entry shows only to users holding one of its permissions. */
export const NAV: NavItem[] = [
  { key: '/', label: 'menu.home', icon: <HomeOutlined /> },
  { key: '/customers', label: 'menu.customers', icon: <ContactsOutlined />, anyOf: ['customer:read'] },
  {
    key: 'heating',
    label: 'menu.heating',
    icon: <FireOutlined />,
    template: 'heating',
    children: [
      { key: '/heating/tree', label: 'menu.heatingTree', icon: <ApartmentOutlined />, anyOf: ['customer:read'] },
      { key: '/heating/arrears', label: 'menu.heatingArrears', icon: <AccountBookOutlined />, anyOf: ['customer:read'] },
      { key: '/heating/notices', label: 'menu.heatingNotices', icon: <SoundOutlined />, anyOf: ['ticket:manage'] },
    ],
  },
  { key: '/tasks', label: 'menu.tasks', icon: <ScheduleOutlined />, anyOf: ['customer:read'] },
  { key: '/tickets', label: 'menu.tickets', icon: <CustomerServiceOutlined />, anyOf: ['ticket:read'] },
  { key: '/tickets/reports', label: 'menu.ticketReports', icon: <BarChartOutlined />, anyOf: ['ticket:read'] },
  { key: '/care/plans', label: 'menu.carePlans', icon: <PhoneOutlined />, anyOf: ['care:manage'] },
  { key: '/care/rules', label: 'menu.careRules', icon: <GiftOutlined />, anyOf: ['care:manage'] },
  { key: '/feedback', label: 'menu.feedback', icon: <CommentOutlined />, anyOf: ['feedback:read'] },
  { key: '/feedback/analysis', label: 'menu.feedbackAnalysis', icon: <LineChartOutlined />, anyOf: ['feedback:read'] },
  { key: '/loyalty', label: 'menu.loyalty', icon: <CrownOutlined />, anyOf: ['loyalty:read'] },
  { key: '/kb', label: 'menu.kb', icon: <BookOutlined />, anyOf: ['kb:read'] },
  { key: '/analytics', label: 'menu.analytics', icon: <FundOutlined />, anyOf: ['analytics:read'] },
  { key: '/segments', label: 'menu.segments', icon: <ClusterOutlined />, anyOf: ['segment:read'] },
  { key: '/campaigns', label: 'menu.campaigns', icon: <NotificationOutlined />, anyOf: ['campaign:read'] },
  { key: '/surveys', label: 'menu.surveys', icon: <SmileOutlined />, anyOf: ['survey:read'] },
  { key: '/goals', label: 'menu.goals', icon: <AimOutlined />, anyOf: ['goal:read'] },
  { key: '/performance', label: 'menu.performance', icon: <TrophyOutlined />, anyOf: ['performance:read'] },
  { key: '/reports', label: 'menu.reports', icon: <FileTextOutlined />, anyOf: ['report:read'] },
  { key: '/duplicates', label: 'menu.duplicates', icon: <MergeCellsOutlined />, allOf: ['customer:write', 'customer:delete'] },
  { key: '/imports', label: 'menu.imports', icon: <ImportOutlined />, anyOf: ['customer:write'] },
  {
    key: 'admin',
    label: 'menu.admin',
    icon: <ToolOutlined />,
    children: [
      { key: '/admin/users', label: 'menu.users', icon: <TeamOutlined />, anyOf: ['user:manage'] },
      { key: '/admin/roles', label: 'menu.roles', icon: <SafetyCertificateOutlined />, anyOf: ['user:manage', 'role:manage'] },
      { key: '/admin/audit', label: 'menu.audit', icon: <AuditOutlined />, anyOf: ['audit:read'] },
      { key: '/privacy', label: 'menu.privacy', icon: <SafetyOutlined />, anyOf: ['privacy:manage'] },
      { key: '/privacy/retention', label: 'menu.retention', icon: <HistoryOutlined />, anyOf: ['privacy:manage'] },
      { key: '/admin/products', label: 'menu.products', icon: <AppstoreOutlined />, anyOf: ['product:manage'] },
      { key: '/admin/tags', label: 'menu.tags', icon: <TagsOutlined />, anyOf: ['tag:manage'] },
      { key: '/admin/custom-fields', label: 'menu.customFields', icon: <FormOutlined />, anyOf: ['settings:manage'] },
      { key: '/admin/message-templates', label: 'menu.messageTemplates', icon: <MailOutlined />, anyOf: ['message:manage'] },
      { key: '/admin/outbox', label: 'menu.outbox', icon: <SendOutlined />, anyOf: ['message:manage'] },
      { key: '/admin/settings', label: 'menu.settings', icon: <SettingOutlined />, anyOf: ['settings:manage'] },
      { key: '/admin/ticket-settings', label: 'menu.ticketSettings', icon: <ControlOutlined />, anyOf: ['ticket:manage'] },
      { key: '/admin/sla', label: 'menu.slaSettings', icon: <FieldTimeOutlined />, anyOf: ['ticket:manage'] },
      { key: '/admin/message-settings', label: 'menu.messageSettings', icon: <ApiOutlined />, anyOf: ['message:manage'] },
    ],
  },
  {
    key: 'me',
    label: 'menu.personal',
    icon: <UserOutlined />,
    children: [
      { key: '/notifications', label: 'menu.notifications', icon: <BellOutlined /> },
      { key: '/me/tokens', label: 'menu.tokens', icon: <KeyOutlined />, anyOf: ['token:manage'] },
      { key: '/me/password', label: 'menu.password', icon: <LockOutlined /> },
      { key: '/me/security', label: 'menu.security', icon: <SafetyCertificateOutlined /> },
    ],
  },
];
