import { ContactsTab } from './ContactsTab';
import { HistoryTab } from './HistoryTab';
import { ProfileTab } from './ProfileTab';
import { registerCustomerTab } from './tabs';

// The customers module's own tabs; other modules register theirs the same way (order between 20 and 90).
registerCustomerTab({ key: 'profile', label: 'customers.tab.profile', order: 10, render: (ctx) => <ProfileTab {...ctx} /> });
registerCustomerTab({
  key: 'contacts',
  label: 'customers.tab.contacts',
  order: 20,
  visible: (c) => c.kind === 'organization',
  render: (ctx) => <ContactsTab {...ctx} />,
});
registerCustomerTab({ key: 'history', label: 'customers.tab.history', order: 90, render: (ctx) => <HistoryTab customerId={ctx.customer.id} /> });
