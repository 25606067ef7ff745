/** Demo data: the setup option, the settings card and the progress banner. */
export const zh = {
  'demo.setupOption': '同时加载演示数据',
  'demo.setupHint': '一家供热企业的 5 万户居民：十个供暖季的缴费、维修服务、客户经理与班组（约 1 分钟，在后台进行）',
  'demo.title': '演示数据',
  'demo.none': '尚未加载演示数据。演示数据是一家哈尔滨供热企业的居民用户：小区、楼栋、单元、房号，十个供暖季的缴费和报停，上门维修等服务消费，客户经理与班组。同一种子总是生成同样的数据。',
  'demo.size': '户数',
  'demo.load': '加载演示数据',
  'demo.loading': '正在加载演示数据：{loaded} / {total} 户（{percent}%），{transactions} 笔交易',
  'demo.history': '住户已加载，正在生成业务数据（工单、反馈、关怀）：{played} / {scripts}（{percent}%）',
  'demo.done': '已加载演示数据：{customers} 户，{transactions} 笔交易，用时 {seconds} 秒',
  'demo.failed': '演示数据加载失败：{error}',
  'demo.fingerprint': '数据指纹',
  'demo.started': '已开始在后台加载演示数据',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'demo.setupOption': 'Also load demo data',
  'demo.setupHint': 'A heating utility with 50,000 households: ten seasons of payments, repair services, account managers and teams (about a minute, in the background)',
  'demo.title': 'Demo data',
  'demo.none': 'No demo data loaded. The demo is a Harbin heating utility’s households: compounds, buildings, units and flats, ten heating seasons of payments and disconnections, repair and other services, account managers and teams. The same seed always gives the same data.',
  'demo.size': 'Households',
  'demo.load': 'Load demo data',
  'demo.loading': 'Loading demo data: {loaded} / {total} households ({percent}%), {transactions} transactions',
  'demo.history': 'Households loaded; playing the service history (tickets, feedback, care): {played} / {scripts} ({percent}%)',
  'demo.done': 'Demo data loaded: {customers} households, {transactions} transactions in {seconds} s',
  'demo.failed': 'Loading demo data failed: {error}',
  'demo.fingerprint': 'Data fingerprint',
  'demo.started': 'Demo data is loading in the background',
};
