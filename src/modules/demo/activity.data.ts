/**
 * The texts of the demo's service history (tickets, replies, resolutions, ratings, feedback), written for a northern
 * heating utility. `{n}` in a text is replaced by a small number (a temperature, a floor) chosen by the script.
 */

/** Ticket scripts per category key of the heating template (tickets' HEATING_CATEGORIES). */
export type TicketStory = {
  category: 'room_temp' | 'not_warm' | 'leak' | 'billing' | 'attitude' | 'other';
  type: 'complaint' | 'repair' | 'inquiry' | 'suggestion';
  /** Share of the category among tickets in the heating season and outside it. */
  inSeason: number;
  offSeason: number;
  titles: string[];
  descriptions: string[];
  /** Index into the tickets' DEFAULT_ROOT_CAUSES, and the solutions that go with this story. */
  rootCause: number;
  solutions: string[];
};

export const TICKET_STORIES: TicketStory[] = [
  {
    category: 'room_temp',
    type: 'complaint',
    inSeason: 0.34,
    offSeason: 0.02,
    titles: ['室温不达标', '家里温度只有{n}度', '屋里太冷，室温偏低', '供暖后室温一直上不去'],
    descriptions: [
      '供暖开始一周了，卧室只有{n}度，老人在家受不了。',
      '测了几次室温都在{n}度左右，达不到18度的标准。',
      '家里暖气一直不太热，晚上只有{n}度，请尽快派人来看看。',
    ],
    rootCause: 1,
    solutions: ['上门排查后清洗了户内过滤器并排气，复测室温19度。', '调节了单元立管阀门，室温回升到20度。', '管网末端压差不足，已调整换热站参数，室温达标。'],
  },
  {
    category: 'not_warm',
    type: 'repair',
    inSeason: 0.26,
    offSeason: 0.03,
    titles: ['暖气片不热', '暖气上热下凉', '有一组暖气片不热', '暖气片冰凉'],
    descriptions: ['客厅那组暖气片上面热下面凉，可能有空气。', '卧室暖气片整个是凉的，阀门开着。', '暖气片摸着只有一点温，别的屋都正常。'],
    rootCause: 1,
    solutions: ['为暖气片排气并更换了损坏的阀芯，已正常供热。', '疏通了堵塞的暖气片，温度恢复。'],
  },
  {
    category: 'leak',
    type: 'repair',
    inSeason: 0.16,
    offSeason: 0.25,
    titles: ['暖气漏水', '阀门滴水', '管道接口渗水', '暖气片漏水淹了地板'],
    descriptions: ['暖气阀门一直在滴水，地上已经积水了。', '楼下反映我家暖气管渗水，请尽快处理。', '注水试压时{n}楼暖气接口漏水。'],
    rootCause: 2,
    solutions: ['更换了漏水的阀门和密封垫，试压无渗漏。', '重新紧固管道接口并更换生料带，已无渗水。'],
  },
  {
    category: 'billing',
    type: 'inquiry',
    inSeason: 0.12,
    offSeason: 0.45,
    titles: ['缴费后状态未更新', '供暖费金额咨询', '发票开具问题', '线上缴费失败'],
    descriptions: ['在网上交了采暖费，系统还显示欠费。', '今年的供暖费比去年多，想问一下面积是怎么算的。', '需要开具今年供暖费的电子发票。'],
    rootCause: 4,
    solutions: ['核实到账后已更新缴费状态，并向客户说明了到账时间。', '按房产证面积重新核算，费用无误，已向客户解释计费标准。', '已补开电子发票并发送到客户手机。'],
  },
  {
    category: 'attitude',
    type: 'complaint',
    inSeason: 0.05,
    offSeason: 0.05,
    titles: ['维修人员态度差', '客服电话打不通', '上门不守约'],
    descriptions: ['维修师傅说话很冲，问题也没解决就走了。', '打了好几次客服电话都没人接。', '约好上午来修，等了一天也没来。'],
    rootCause: 3,
    solutions: ['已对相关人员进行批评教育，并由班长上门致歉。', '增加了高峰期坐席，并回电向客户致歉。'],
  },
  {
    category: 'other',
    type: 'suggestion',
    inSeason: 0.07,
    offSeason: 0.2,
    titles: ['建议提前供暖', '报停申请咨询', '希望增加缴费网点', '楼道暖气管保温破损'],
    descriptions: ['今年降温早，建议提前几天开始供暖。', '明年想报停，需要准备什么材料？', '小区附近没有缴费网点，老人不会用手机缴费。'],
    rootCause: 5,
    solutions: ['已记录建议并反馈给生产调度部门。', '已告知报停办理流程和所需材料。'],
  },
];

/** A reply that answers the household first (the first response), before the resolution. */
export const FIRST_REPLIES = ['您好，已收到您的反映，维修人员将尽快与您联系。', '您好，工单已受理，我们会在今天安排上门。', '您好，已转交相关班组处理，请保持电话畅通。'];

export const RATING_COMMENTS: Record<number, string[]> = {
  1: ['等了三天才有人来，问题还没彻底解决。', '态度很差，非常不满意。'],
  2: ['修好了但是拖得太久。', '来了两次才修好。'],
  3: ['还行吧，希望以后快一点。', '问题解决了，沟通一般。'],
  4: ['师傅挺专业的，谢谢。', '处理比较及时。'],
  5: ['非常满意，师傅很耐心！', '当天就修好了，点赞。', '服务很好，屋里暖和了。'],
};

/** Feedback (客户反馈) the households leave outside tickets: the public page, SMS replies, calls. */
export const FEEDBACK_TEXTS: { text: string; inSeason: boolean }[] = [
  { text: '今年暖气比去年热多了，谢谢你们！', inSeason: true },
  { text: '家里才{n}度，孩子都冻感冒了，什么时候能解决？', inSeason: true },
  { text: '暖气片冰凉，打电话也没人管。', inSeason: true },
  { text: '屋里贼冷，晚上睡觉得穿毛衣。', inSeason: true },
  { text: '维修师傅服务态度很好，很快就修好了。', inSeason: true },
  { text: '楼上漏水把我家天花板泡了，希望尽快处理。', inSeason: true },
  { text: '供暖挺好的，就是缴费网点太少。', inSeason: false },
  { text: '手机缴费很方便，点赞。', inSeason: false },
  { text: '供暖费年年涨，服务却没有变好。', inSeason: false },
  { text: '客服电话总是占线，希望增加人手。', inSeason: true },
  { text: '阀门一直滴水，已经报修两次了。', inSeason: true },
  { text: '换热站噪音太大，晚上吵得睡不着。', inSeason: true },
  { text: '室温很稳定，一直在二十度以上，满意。', inSeason: true },
  { text: '请问明年报停需要什么手续？', inSeason: false },
  { text: '夏天检修的时候能不能提前通知？', inSeason: false },
  { text: '暖气上热下凉，排了气还是不行。', inSeason: true },
];

/**
 * The burst of the last days (activity.ts, FEEDBACK_BURST): one building's basement pipe leaking, told by several
 * households in a few days — what the analysis page's hot topics are for. {b} is the building number.
 */
export const BURST_TEXTS = [
  '{b}号楼地下室管道漏水，楼道里全是水，赶紧派人来看看！',
  '我们{b}号楼地下室又漏水了，水都漫到单元门口了。',
  '{b}号楼漏水两天了还没人修，暖气也不热了。',
  '地下室暖气管道漏水，{b}号楼好几户都停了暖气。',
];

/** The SMS templates of the demo company (信息模板). */
export const CARE_TEMPLATES: { key: string; name: string; category: 'care' | 'transactional'; bodyZh: string; bodyEn: string }[] = [
  { key: 'birthday', name: '生日祝福', category: 'care', bodyZh: '{{name}}您好，{{company}}祝您生日快乐，冬日温暖常在！', bodyEn: 'Dear {{name}}, {{company}} wishes you a happy birthday and a warm winter!' },
  { key: 'festival', name: '春节问候', category: 'care', bodyZh: '{{name}}您好，新春将至，{{company}}给您拜年！供暖问题请随时拨打热线。', bodyEn: 'Dear {{name}}, {{company}} wishes you a happy Spring Festival. Call our hotline for any heating problem.' },
  { key: 'reminder', name: '缴费提醒', category: 'transactional', bodyZh: '{{name}}您好，本供暖季采暖费尚未缴纳，请于11月30日前缴费，以免影响供暖。', bodyEn: 'Dear {{name}}, this season\'s heating fee is still unpaid: please pay by 30 November.' },
  { key: 'outage', name: '停暖通知', category: 'transactional', bodyZh: '{{name}}您好，因管网抢修，您所在小区将于{{date}}临时停暖，给您带来不便敬请谅解。', bodyEn: 'Dear {{name}}, heating in your compound stops on {{date}} for an urgent repair. We apologise for the inconvenience.' },
];
