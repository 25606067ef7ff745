import { registerCustomerTab } from '../customers';
import { TransactionsTab } from './TransactionsTab';

// 交易记录 on the customer 360 page, after 概况 (10) and 联系人 (20). Imported once for its effect by App.tsx.
registerCustomerTab({ key: 'transactions', label: 'transactions.tab', order: 30, render: (ctx) => <TransactionsTab customer={ctx.customer} /> });
