/** The corrections the retrain tests make (retrain.test.ts, reanalyse.test.ts). */
/** Messages with the phrase, corrected to positive by agents. */
export const HOT_RADIATOR = [
  '暖气片烫手',
  '今天家里暖气片烫手',
  '这两天暖气片都烫手',
  '卧室的暖气片烫手',
  '暖气片烫手，孩子在家穿短袖',
  '早上摸了一下暖气片烫手',
  '客厅暖气片烫手了',
  '我家暖气片烫手',
  '楼上楼下暖气片都烫手',
  '现在暖气片烫手',
  '暖气片一直烫手',
  '晚上暖气片也烫手',
];
/** Ordinary complaints (the radiator too: 暖气片 itself says nothing), corrected or confirmed as negative. */
export const COMPLAINTS = [
  '暖气片冰凉的',
  '暖气片一点都不热',
  '暖气片上面热下面凉',
  '暖气不热，家里只有十四度',
  '报修三天了没人来',
  '客服电话一直打不通',
  '暖气漏水把地板泡了',
  '缴费以后还显示欠费',
  '师傅态度太差了',
  '暖气管子响得睡不着',
  '屋里冷得穿棉袄',
  '维修拖了一个星期',
  '热线没人接，太气人了',
];
