/** The customer 360 page's summary band (above the tabs). Figure labels, sources and details come from the server. */
export const zh = {
  'customers.summary.title': '客户概要',
  'customers.summary.today': '截至今天',
  'customers.summary.source': '{source} {date}',
  'customers.summary.open': '查看',
  'customers.summary.error': '概要暂时无法加载：{error}',
  'customers.summary.points': '{n} 分',
};

export const en: Record<keyof typeof zh, string> = {
  'customers.summary.title': 'At a glance',
  'customers.summary.today': 'as of today',
  'customers.summary.source': '{source} {date}',
  'customers.summary.open': 'Open',
  'customers.summary.error': 'The summary could not be loaded: {error}',
  'customers.summary.points': '{n} points',
};
