/** UI strings of the home page (首页): the boards and how figures read. Tile titles and labels come from the server. */
export const zh = {
  'menu.home': '首页',
  'home.title': '首页',
  'home.board.agent': '我的工作',
  'home.board.account': '我的客户',
  'home.board.manager': '管理看板',
  'home.board.admin': '系统看板',
  'home.asOf': '数据截至 {time}',
  'home.refresh': '刷新',
  'home.empty': '这个看板暂无内容',
  'home.noData': '暂无数据',
  'home.more': '查看全部',
  'home.hours': '{n} 小时',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'menu.home': 'Home',
  'home.title': 'Home',
  'home.board.agent': 'My work',
  'home.board.account': 'My customers',
  'home.board.manager': 'Management',
  'home.board.admin': 'System',
  'home.asOf': 'Figures as of {time}',
  'home.refresh': 'Refresh',
  'home.empty': 'Nothing on this board yet',
  'home.noData': 'No data yet',
  'home.more': 'See all',
  'home.hours': '{n} h',
};
