import { RequirePermission } from '../../platform/ui';
import { registerCustomerTab } from '../customers';
import { MemberTab } from './MemberTab';

// 会员积分 on the customer 360 page, after 工单 (35) and 消息 (40). Loaded with that page (routes.ts: loadCustomerTab).
registerCustomerTab({
  key: 'loyalty',
  label: 'loy.tab',
  order: 45,
  render: (ctx) => (
    <RequirePermission anyOf={['loyalty:read']}>
      <MemberTab customer={ctx.customer} />
    </RequirePermission>
  ),
});
