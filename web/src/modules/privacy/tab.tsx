import { registerCustomerTab } from '../customers';
import { ConsentTab } from './ConsentTab';

// 同意记录 on the customer 360 page, after 会员积分 (45) and before 变更历史 (90). Loaded with that page (routes.ts: loadCustomerTab).
registerCustomerTab({ key: 'consent', label: 'consentLedger.tab', order: 80, render: (ctx) => <ConsentTab customer={ctx.customer} /> });
