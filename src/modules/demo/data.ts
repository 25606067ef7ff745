/**
 * The vocabulary of the heating demo: surnames with their approximate share of China's population, given-name
 * characters, Harbin's urban districts (with the resident ID region codes of GB/T 2260), compound names, and the
 * heating company's service catalogue. Data, not logic.
 */

/** The most common surnames, weights ≈ per-mille of the population (2020 census order). */
export const SURNAMES: readonly [string, number][] = [
  ['王', 73], ['李', 72], ['张', 69], ['刘', 54], ['陈', 45], ['杨', 31], ['黄', 23], ['赵', 20], ['吴', 20], ['周', 19],
  ['徐', 14], ['孙', 14], ['马', 13], ['朱', 12], ['胡', 11], ['郭', 11], ['何', 10], ['林', 10], ['高', 10], ['罗', 9],
  ['郑', 9], ['梁', 8], ['谢', 7], ['宋', 7], ['唐', 7], ['许', 6], ['韩', 6], ['冯', 6], ['邓', 6], ['曹', 5],
  ['彭', 5], ['曾', 5], ['肖', 5], ['田', 5], ['董', 5], ['袁', 4], ['潘', 4], ['于', 4], ['蒋', 4], ['蔡', 4],
  ['余', 4], ['杜', 4], ['叶', 4], ['程', 4], ['苏', 3], ['魏', 3], ['吕', 3], ['丁', 3], ['任', 3], ['沈', 3],
  ['姚', 3], ['卢', 3], ['姜', 3], ['崔', 3], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 2], ['范', 2], ['金', 2],
  ['石', 2], ['廖', 2], ['贾', 2], ['夏', 2], ['韦', 2], ['付', 2], ['方', 2], ['白', 2], ['邹', 2], ['孟', 2],
  ['熊', 2], ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2], ['侯', 2],
  ['龙', 2], ['史', 2], ['黎', 1], ['贺', 1], ['顾', 1], ['毛', 1], ['郝', 1], ['龚', 1], ['邵', 1], ['万', 1],
  ['钱', 1], ['覃', 1], ['武', 1], ['戴', 1], ['孔', 1], ['汤', 1], ['庞', 1], ['樊', 1], ['兰', 1], ['殷', 1],
];

export const MALE_GIVEN = '伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国庆志海峰东文博亮成春'.split('');
export const FEMALE_GIVEN = '芳娜敏静丽艳娟霞秀英华慧巧美淑惠珠翠雅芝玉萍红月彩春菊兰凤洁梅琳素云莲真环雪荣爱妹'.split('');

/** Harbin's urban districts: name and the six-digit region code an ID number starts with. */
export const DISTRICTS: readonly { name: string; code: string; weight: number }[] = [
  { name: '南岗区', code: '230103', weight: 25 },
  { name: '道里区', code: '230102', weight: 20 },
  { name: '香坊区', code: '230110', weight: 20 },
  { name: '道外区', code: '230104', weight: 15 },
  { name: '松北区', code: '230109', weight: 12 },
  { name: '平房区', code: '230108', weight: 8 },
];

export const STREETS = ['学府路', '中山路', '红旗大街', '长江路', '和兴路', '哈平路', '友谊路', '通达街', '三大动力路', '世纪大道', '黄河路', '珠江路'];

export const COMPOUND_STEMS =
  '幸福 阳光 锦绣 学府 江畔 金色 和平 翠湖 丽景 新城 盛世 龙江 华府 文化 世纪 枫叶 紫园 御景 天鹅 松花 北国 冰城 群力 百合 福顺 安居 兴业 康乐 海富 红旗'.split(' ');
export const COMPOUND_SUFFIXES = '家园 小区 花园 新城 公寓 名苑 嘉园 雅居 华庭 苑 佳园 丽都 世家 城'.split(' ');
export const COMPOUND_PHASES = ['', '二期', '三期', '四期', '五期'];

export const EMAIL_DOMAINS = ['qq.com', '163.com', '126.com', 'sina.com', 'hotmail.com'];

/** Mobile prefixes of the three carriers (all valid in libphonenumber's metadata). */
export const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157',
  '158', '159', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189', '177', '199',
];

/** Payment channels of the heating fee by era: counters and banks first, then WeChat and Alipay. */
export const PAYMENT_CHANNELS = ['营业厅', '银行代扣', '微信', '支付宝', '网上营业厅'];

export const SOURCES = ['开发商移交', '营业厅', '线上办理'];

/** The heating price: Harbin's residential rate, ¥41.60 per m² of floor area per season. */
export const HEATING_PRICE_FEN_PER_M2 = 4160;

export const PRODUCTS: readonly { code: string; name: string; nameEn: string; category: string; priceFen: number; unit: string; weight: number }[] = [
  { code: 'HEAT-FEE', name: '采暖费', nameEn: 'Heating fee', category: '采暖', priceFen: HEATING_PRICE_FEN_PER_M2, unit: '平方米', weight: 0 },
  { code: 'SVC-REPAIR', name: '上门维修', nameEn: 'Repair visit', category: '维修服务', priceFen: 8000, unit: '次', weight: 45 },
  { code: 'SVC-VALVE', name: '阀门更换', nameEn: 'Valve replacement', category: '维修服务', priceFen: 25000, unit: '个', weight: 20 },
  { code: 'SVC-FLUSH', name: '暖气片清洗', nameEn: 'Radiator flushing', category: '保养服务', priceFen: 15000, unit: '次', weight: 20 },
  { code: 'SVC-PIPE', name: '管道保养', nameEn: 'Pipe maintenance', category: '保养服务', priceFen: 30000, unit: '次', weight: 10 },
  { code: 'SVC-THERMO', name: '温控器安装', nameEn: 'Thermostat installation', category: '改造服务', priceFen: 45000, unit: '个', weight: 5 },
];

export const TAGS = { lowIncome: '低保户', elderly: '独居老人', largeHome: '大面积用户', stopped: '已报停', arrears: '欠费' } as const;
