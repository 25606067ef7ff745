/**
 * Server messages of the demo data (and `hearth demo load`), in both locales. zh-CN first; `en` is typed against it,
 * so a missing translation fails the typecheck. Registered, with every other catalogue, by `src/messages.ts`.
 */
export const zhCN = {
  'demo.other_runner': '另一个进程正在加载这份演示数据',
  'demo.other_loaded': '已加载过另一份演示数据（{size} 户，种子 {seed}）；请在新的安装中加载',
  'demo.version_changed':
    '这份演示数据（{size} 户，种子 {seed}，已写入 {loaded} 户）由第 {stored} 版生成器开始加载，当前程序是第 {current} 版，生成的数据不同，无法续加载；请在新的安装（空数据库）中重新加载，或用第 {stored} 版的程序完成这次加载',
  'demo.version_done': '已加载的演示数据（{size} 户，种子 {seed}）由第 {stored} 版生成器生成，当前程序是第 {current} 版；要用新版数据，请在新的安装（空数据库）中加载',
  'cli.demo.progress': '演示数据：{loaded}/{total} 户，{transactions} 笔交易',
  'cli.demo.history': '演示业务数据（工单、反馈、关怀）：{played}/{scripts}',
  'cli.demo.done': '演示数据已加载：{customers} 户，{transactions} 笔交易，用时 {seconds} 秒；指纹 {fingerprint}',
  // Labels of the audit codes this module writes (the audit log looks them up by code).
  'audit.action.demo.load': '加载演示数据',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'demo.other_runner': 'Another process is loading this demo data',
  'demo.other_loaded': 'Other demo data is already loaded ({size} households, seed {seed}); load it into a fresh installation',
  'demo.version_changed':
    'This demo load ({size} households, seed {seed}, {loaded} written) was started by generator version {stored}; this program is version {current}, which generates other data, so the load cannot be resumed: load the demo again into a fresh installation (an empty database), or finish this load with a version {stored} program',
  'demo.version_done': 'The loaded demo data ({size} households, seed {seed}) was made by generator version {stored}; this program is version {current}: to get the new data, load it into a fresh installation (an empty database)',
  'cli.demo.progress': 'Demo data: {loaded}/{total} households, {transactions} transactions',
  'cli.demo.history': 'Demo service history (tickets, feedback, care): {played}/{scripts}',
  'cli.demo.done': 'Demo data loaded: {customers} households, {transactions} transactions in {seconds} s; fingerprint {fingerprint}',
  'audit.action.demo.load': 'Load demo data',
};
