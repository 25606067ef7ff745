import { registerCustomerTab } from '../customers';
import { ValueTab } from './ValueTab';

// 价值 on the customer 360 page. Imported once for its effect by App.tsx.
registerCustomerTab({ key: 'value', label: 'analytics.tab', order: 15, render: (ctx) => <ValueTab customerId={ctx.customer.id} /> });
