/**
 * The heating template: the feedback categories a district-heating company starts with (seed words for the category
 * suggestion), the domain dictionary jieba is given (trade words and northern dialect, so 暖气片, 贼冷, 冻得慌 stay one
 * word), and the sentiment lexicon classes the model uses as shared features (a household writes 冻得慌 where the
 * training set said 贼冷: both fire `lex:cold`, so a weight learnt for one carries to the other).
 */
import type { CategoryDef } from './types.js';

export const HEATING_CATEGORIES: CategoryDef[] = [
  {
    key: 'room_temperature',
    name: '室温不达标',
    seedWords: [
      '不热', '不暖', '不暖和', '冷', '贼冷', '冻得慌', '冰窖', '冰凉', '冰冷', '拔凉', '凉飕飕', '冷飕飕', '透心凉', '嘎嘎冷',
      '室温', '温度', '度', '温度低', '达标', '不达标', '温乎', '上不来', '温吞', '循环', '回水', '末端', '供暖效果',
      '电暖器', '棉袄', '羽绒服', '感冒', '测温', '热度', '低温', '冻', '凉',
    ],
  },
  {
    key: 'leak',
    name: '漏水',
    seedWords: [
      '漏水', '跑水', '渗水', '滴水', '漏', '爆管', '爆裂', '破裂', '水管', '管道', '接头', '阀门', '放水阀', '泡', '淹',
      '水渍', '楼下', '天花板', '地板', '木地板', '墙皮', '冒水', '喷水', '呲水', '滋水', '水漫',
    ],
  },
  {
    key: 'billing',
    name: '缴费问题',
    seedWords: [
      '缴费', '交费', '采暖费', '暖气费', '供暖费', '取暖费', '热费', '发票', '收费', '退费', '退款', '多收', '扣费', '扣款',
      '账单', '价格', '单价', '面积', '欠费', '滞纳金', '收据', '报停', '停供', '缴费系统', '公众号', '支付', '到账', '钱',
      '费用', '标准', '优惠', '减免', '补贴', '票据', '开票',
    ],
  },
  {
    key: 'attitude',
    name: '服务态度',
    seedWords: [
      '态度', '客服', '热线', '接电话', '没人接', '打不通', '占线', '不耐烦', '敷衍', '推诿', '踢皮球', '骂', '凶', '冷漠',
      '不理', '爱搭不理', '挂电话', '挂断', '甩脸子', '呛', '训', '热情', '耐心', '礼貌', '客气', '服务', '口气', '语气',
    ],
  },
  {
    key: 'repair',
    name: '维修效率',
    seedWords: [
      '维修', '报修', '修', '修好', '修理', '师傅', '上门', '来修', '没人来', '等了', '拖', '拖延', '迟迟', '效率', '及时',
      '排气', '放气', '放风', '堵', '堵塞', '清洗', '阀门', '工单', '处理', '预约', '约', '换', '更换', '一直没来', '磨叽',
    ],
  },
  {
    key: 'noise',
    name: '噪音异响',
    seedWords: [
      '噪音', '噪声', '响', '异响', '声音', '动静', '咚咚', '哗哗', '嗡嗡', '当当', '咣咣', '哐哐', '咕噜', '水声',
      '流水声', '敲', '吵', '睡不着', '震动', '嗡', '响声', '噪',
    ],
  },
  { key: 'other', name: '其他', seedWords: ['建议', '咨询', '其他', '意见', '希望', '政策', '通知'] },
];

/**
 * Words jieba must keep whole (its default dictionary cuts them or guesses wrong): trade terms of district heating
 * and the northern dialect households write in. Negated forms (不热) are deliberately absent: the negation step sees
 * 不 and 热 apart and marks the scope itself.
 */
export const HEATING_DICTIONARY: string[] = [
  // trade
  '暖气片', '散热器', '地暖', '供暖', '采暖', '供热', '热力公司', '供热公司', '换热站', '热力站', '供热站', '一次网', '二次网',
  '供水管', '回水管', '回水', '分户阀', '排气阀', '放气阀', '放水阀', '温控阀', '过滤器', '立管', '户内', '管网', '试水', '注水',
  '打压', '跑水', '爆管', '采暖费', '暖气费', '供暖费', '取暖费', '热费', '报停', '停供', '停暖', '供暖季', '采暖季',
  '滞纳金', '室温', '测温', '入户', '不达标', '上不来', '温乎', '温吞', '电暖器', '小太阳',
  // dialect and colloquial
  '贼冷', '贼热', '贼好', '贼慢', '嘎嘎冷', '老冷了', '冻得慌', '冻死了', '冻手', '冻脚', '冰窖', '冰窖似的', '冰凉冰凉',
  '拔凉', '拔凉拔凉', '透心凉', '凉飕飕', '冷飕飕', '冷冰冰', '暖和和', '热乎', '热乎乎', '暖烘烘', '暖洋洋', '杠杠的',
  '得劲', '整挺好', '稀碎', '埋汰', '闹心', '磨叽', '墨迹', '糊弄', '忽悠', '扯皮', '推诿', '踢皮球', '爱搭不理',
  '甩脸子', '没人管', '没人理', '没人接', '打不通', '一点也不', '一点都不', '一点儿也不',
];

/**
 * Sentiment lexicon classes: each word, wherever it appears, adds the feature `lex:<class>` (or `lex:¬<class>` inside
 * a negation scope). The model learns one weight per class from the labelled data, which carries a lesson learnt on
 * one word to the rare words of the same class.
 */
export const LEXICON: Record<string, string[]> = {
  cold: [
    '冷', '凉', '冰', '冻', '贼冷', '嘎嘎冷', '老冷了', '冻得慌', '冻死了', '冻手', '冻脚', '冰窖', '冰窖似的', '冰凉', '冰冷',
    '冰凉冰凉', '拔凉', '拔凉拔凉', '透心凉', '凉飕飕', '冷飕飕', '冷冰冰', '寒冷', '冰手', '冻人', '温乎', '温吞',
  ],
  warm: ['热', '暖', '暖和', '暖和和', '热乎', '热乎乎', '暖烘烘', '暖洋洋', '温暖', '暖融融', '烫', '烫手', '热烘烘'],
  good: [
    '好', '棒', '满意', '感谢', '谢谢', '辛苦', '及时', '耐心', '热情', '负责', '专业', '点赞', '给力', '杠杠的', '整挺好',
    '靠谱', '周到', '表扬', '锦旗', '舒服', '舒适', '得劲', '不错', '贼好', '放心', '高效', '迅速', '细心', '认真', '友好',
    '礼貌', '客气', '优秀', '完美', '赞', '喜欢', '值', '实惠', '干净', '方便',
  ],
  bad: [
    '差', '烂', '垃圾', '坑', '骗', '投诉', '敷衍', '推诿', '踢皮球', '糊弄', '忽悠', '闹心', '磨叽', '墨迹', '扯皮', '稀碎',
    '失望', '生气', '气死', '恶心', '无语', '离谱', '过分', '不像话', '拖延', '没人管', '没人理', '没人接', '打不通', '爱搭不理',
    '甩脸子', '埋汰', '难受', '受罪', '遭罪', '糟糕', '麻烦', '后悔', '脏', '破', '坏', '吵', '噪音', '漏水', '跑水', '爆管',
    '贵', '慢', '贼慢', '凶', '冷漠', '不耐烦', '欺负', '霸王', '黑心', '坑人', '无奈', '崩溃', '郁闷', '折腾', '难', '吃亏',
  ],
};
