/**
 * Ticket status and type labels, shared by the agent app's catalogue (messages.ts) and the household's public pages
 * (web/src/public/messages.ts): a file of its own with no imports, so the small public bundle takes only these lines.
 */
export const labelsZh = {
  'tk.status.new': '新建',
  'tk.status.assigned': '已分派',
  'tk.status.in_progress': '处理中',
  'tk.status.waiting_on_customer': '等待客户',
  'tk.status.resolved': '已解决',
  'tk.status.closed': '已关闭',
  'tk.type.complaint': '投诉',
  'tk.type.repair': '报修',
  'tk.type.inquiry': '咨询',
  'tk.type.suggestion': '建议',
} as const;

export const labelsEn: Record<keyof typeof labelsZh, string> = {
  'tk.status.new': 'New',
  'tk.status.assigned': 'Assigned',
  'tk.status.in_progress': 'In progress',
  'tk.status.waiting_on_customer': 'Waiting on customer',
  'tk.status.resolved': 'Resolved',
  'tk.status.closed': 'Closed',
  'tk.type.complaint': 'Complaint',
  'tk.type.repair': 'Repair',
  'tk.type.inquiry': 'Inquiry',
  'tk.type.suggestion': 'Suggestion',
};
