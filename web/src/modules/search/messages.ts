/** The global search (Ctrl+K) in the header. */
export const zh = {
  'search.open': '搜索',
  'search.shortcut': '搜索客户、工单、知识库、用户（Ctrl+K）',
  'search.placeholder': '姓名、电话、地址、户号、工单号、文章、用户…',
  'search.group.customers': '客户',
  'search.group.tickets': '工单',
  'search.group.articles': '知识库',
  'search.group.users': '用户',
  'search.empty': '没有找到匹配的结果',
  'search.tooShort': '请至少输入 1 个汉字、2 个字母，或号码',
  'search.keys': '↑↓ 选择 · Enter 打开 · Esc 关闭',
  'search.results': '搜索结果',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'search.open': 'Search',
  'search.shortcut': 'Search customers, tickets, articles, users (Ctrl+K)',
  'search.placeholder': 'Name, phone, address, number, ticket, article, user…',
  'search.group.customers': 'Customers',
  'search.group.tickets': 'Tickets',
  'search.group.articles': 'Knowledge base',
  'search.group.users': 'Users',
  'search.empty': 'Nothing matches',
  'search.tooShort': 'Type at least one Chinese character, two letters, or a number',
  'search.keys': '↑↓ to move · Enter to open · Esc to close',
  'search.results': 'Search results',
};
