/**
 * The texts and settings of the demo's outreach (outreach.ts): the marketer, the campaigns, the surveys' definitions
 * and the households' answers, written for a northern heating utility. Data, not logic.
 */
import type { Random } from '../../platform/random.js';
import type { createCampaign } from '../campaigns/index.js';
import type { SurveyDefinition } from '../surveys/index.js';

type CampaignInput = Parameters<typeof createCampaign>[2];
type OfferInput = CampaignInput['offers'][number];

export const MARKETER = { username: 'demo.marketer', displayName: '孙悦（市场部）' };

export type CampaignKey = 'maintenance' | 'winter';

export type CampaignSpec = {
  name: string;
  /** The hand-kept list (a static segment) the campaign goes to. */
  list: { name: string; description: string };
  template: { name: string; bodyZh: (validTo: string) => string; bodyEn: (validTo: string) => string };
  /** Everything of the campaign but its list, offers' dates, template and owner. */
  input: Omit<CampaignInput, 'segmentId' | 'offers' | 'templateIds' | 'ownerId'>;
  offers: Omit<OfferInput, 'validFrom' | 'validTo'>[];
  /** Its attribution window (days). */
  days: number;
  /** The service purchases the offer covers (by catalogue code and amount), and the share of treated buyers who give their code. */
  covers: (product: string, amountFen: number) => boolean;
  redeemShare: number;
};

export const CAMPAIGNS: Record<CampaignKey, CampaignSpec> = {
  maintenance: {
    name: '供暖季前维修保养8折',
    list: { name: '供暖季前保养推广名单', description: '市场部整理：供暖季前推荐暖气片清洗、管道保养和上门检修的住户' },
    template: {
      name: '保养季8折券（短信）',
      bodyZh: (d) => `【{{company}}】{{name}}您好，新供暖季将至，暖气片清洗、管道保养、上门检修限时8折，预约时报券码{{coupon}}即可享受，${d}前有效。`,
      bodyEn: (d) => `[{{company}}] Dear {{name}}, before the heating season: 20% off radiator flushing, pipe maintenance and repairs with code {{coupon}}, valid until ${d}.`,
    },
    input: {
      name: '供暖季前维修保养8折',
      description: '供暖季开始前两个月，向部分住户推荐暖气片清洗、管道保养和上门检修，凭短信券码享8折；留出15%的住户作对照组，比较购买率。',
      goal: 'repeat_purchase',
      goalTarget: 200,
      holdoutBp: 1500,
      startsAt: null,
      attributionDays: 30,
      budgetFen: 600_000,
      costPerMessageFen: 5,
      costPerRedemptionFen: 2_000,
      marginBp: 3_500,
    },
    offers: [{ kind: 'percent', name: '维修保养服务8折', percentOffBp: 2000, codeMode: 'unique', perCustomerLimit: 1 }],
    days: 30,
    covers: () => true,
    redeemShare: 0.8,
  },
  winter: {
    name: '冬季维修保养 满150减20',
    list: { name: '冬季服务推广名单', description: '市场部整理：冬季推荐暖气片清洗、阀门更换、管道保养和温控器的住户' },
    template: {
      name: '冬季服务满减券（短信）',
      bodyZh: (d) => `【{{company}}】{{name}}您好，冬季暖气片清洗、阀门更换、管道保养、温控器安装满150减20。预约时报券码{{coupon}}，${d}前有效。`,
      bodyEn: (d) => `[{{company}}] Dear {{name}}, ¥20 off flushing, valves, pipe maintenance or a thermostat over ¥150 this winter with code {{coupon}}, valid until ${d}.`,
    },
    input: {
      name: '冬季维修保养 满150减20',
      description: '冬季向部分住户推荐暖气片清洗、阀门更换、管道保养和温控器安装，满150元减20元；留出10%的住户作对照组。',
      goal: 'spend_per_head',
      goalTarget: 300,
      holdoutBp: 1000,
      startsAt: null,
      attributionDays: 45,
      budgetFen: 500_000,
      costPerMessageFen: 5,
      costPerRedemptionFen: 3_000,
      marginBp: 3_000,
    },
    offers: [{ kind: 'threshold', name: '满150减20', thresholdFen: 15_000, discountFen: 2_000, codeMode: 'unique', perCustomerLimit: 1 }],
    days: 45,
    covers: (_product, amountFen) => amountFen >= 15_000,
    redeemShare: 0.75,
  },
};

/** A draft being prepared for the Spring Festival: no list yet, and over the approval limit (¥10,000). */
export const DRAFT_CAMPAIGN: CampaignInput = {
  name: '春节老用户回馈：缴费积分翻倍',
  description: '春节前后按时缴费的老用户积分翻倍；名单和短信待定，预算超过审批额度，需主管审批。',
  goal: 'reactivation',
  goalTarget: 300,
  holdoutBp: 1000,
  offers: [{ kind: 'points_multiplier', name: '缴费积分翻倍', multiplierX100: 200, codeMode: 'none', perCustomerLimit: 1 }],
  templateIds: [],
  startsAt: null,
  attributionDays: 30,
  budgetFen: 2_000_000,
  costPerMessageFen: 5,
  costPerRedemptionFen: 0,
  marginBp: 3_000,
};

const SURVEY_THANKS = { zh: '感谢您的反馈，我们会认真改进！', en: 'Thank you for your feedback — we will act on it.' };

export const HEATING_SURVEY = {
  name: (season: string) => `供暖满意度调查（${season}供暖季）`,
  settings: { expiryDays: 21, maxReminders: 1, reminderAfterDays: 5, fatigueDays: 90, anonymousAllowed: false },
  template: {
    name: '供暖满意度调查邀请（短信）',
    bodyZh: '【{{company}}】{{name}}您好，新供暖季已运行一个月，诚邀您花1分钟为我们的供热服务打分：{{surveyLink}}',
    bodyEn: '[{{company}}] Dear {{name}}, the heating season is a month old: please rate our service in one minute: {{surveyLink}}',
  },
};

/** 供暖满意度调查: would you recommend us (NPS), how satisfied are you (CSAT), anything to tell us. */
export function heatingDefinition(season: string): SurveyDefinition {
  return {
    title: { zh: `${season}供暖季满意度调查`, en: `Heating season ${season}: how are we doing?` },
    intro: { zh: '三个问题，约1分钟。您的意见将帮助我们改进供热服务。', en: 'Three questions, about a minute. Your answers help us improve.' },
    thanks: SURVEY_THANKS,
    questions: [
      {
        id: 'recommend',
        type: 'nps',
        text: { zh: '您有多大可能向亲友推荐我们的供热服务？', en: 'How likely are you to recommend our heating service to friends and family?' },
        help: { zh: '0 = 完全不可能，10 = 非常可能', en: '0 = not at all likely, 10 = extremely likely' },
        required: true,
      },
      {
        id: 'satisfaction',
        type: 'csat',
        text: { zh: '您对本供暖季的供热效果和服务满意吗？', en: 'How satisfied are you with your heating and our service this season?' },
        help: { zh: '1 = 非常不满意，5 = 非常满意', en: '1 = very dissatisfied, 5 = very satisfied' },
        required: true,
      },
      {
        id: 'comment',
        type: 'text',
        text: { zh: '您对我们的供热服务还有什么意见或建议？', en: 'Anything else you would like to tell us?' },
        required: false,
        maxLength: 500,
      },
    ],
  };
}

export const REPAIR_SURVEY = {
  name: '维修回访满意度',
  settings: { expiryDays: 7, maxReminders: 0, reminderAfterDays: 3, fatigueDays: 7, anonymousAllowed: false },
  template: {
    name: '维修回访邀请（短信）',
    bodyZh: '【{{company}}】{{name}}您好，您家的维修已完成，请为本次上门维修服务打分：{{surveyLink}}',
    bodyEn: '[{{company}}] Dear {{name}}, your repair is done: please rate our visit: {{surveyLink}}',
  },
  definition: {
    title: { zh: '维修服务回访', en: 'Your repair visit' },
    intro: { zh: '您家的维修已完成，请花半分钟评价本次服务。', en: 'Your repair is done. Please take half a minute to rate it.' },
    thanks: SURVEY_THANKS,
    questions: [
      {
        id: 'satisfaction',
        type: 'csat',
        text: { zh: '您对本次上门维修满意吗？', en: 'How satisfied are you with this repair visit?' },
        help: { zh: '1 = 非常不满意，5 = 非常满意', en: '1 = very dissatisfied, 5 = very satisfied' },
        required: true,
      },
      {
        id: 'effort',
        type: 'ces',
        text: { zh: '这次报修处理起来有多省心？', en: 'How easy was it to get your repair handled?' },
        help: { zh: '1 = 非常费劲，7 = 非常省心', en: '1 = very difficult, 7 = very easy' },
        required: true,
      },
      {
        id: 'improve',
        type: 'text',
        text: { zh: '哪些环节可以做得更好？', en: 'What could we have done better?' },
        required: false,
        maxLength: 500,
      },
    ],
  } satisfies SurveyDefinition,
};

export const SERVQUAL_DRAFT = { templateKey: 'heating_servqual' as const, name: '供热服务质量年度调查（SERVQUAL）' };

/**
 * NPS scores 0…10 as cumulative weights: detractors 28 %, passives 36 %, promoters 36 % (NPS about +8, a utility's
 * usual range).
 */
export const NPS_CUMULATIVE: readonly number[] = [3, 4, 6, 9, 13, 20, 28, 42, 64, 81, 100];

const TEXTS = {
  praise: [
    '今年暖气很热乎，家里一直二十多度，很满意！',
    '客服电话一打就通，报修第二天就来人了，服务很好。',
    '缴费方便，微信上就能交，供暖也很准时。',
    '师傅上门很专业，还顺便帮我们把暖气片排了气。',
    '老人在家再也不冷了，谢谢热力公司。',
    '比前几年强多了，希望继续保持。',
  ],
  neutral: [
    '整体还行，就是早晚温度有点低。',
    '供暖还可以，希望发票能开得快一点。',
    '温度基本达标，卧室比客厅凉一些。',
    '希望停暖检修能提前多通知几天。',
    '服务态度不错，就是维修等的时间长了点。',
  ],
  complaint: [
    '家里温度一直上不去，只有十六七度，反映了好几次也没彻底解决。',
    '暖气片上热下凉，报修后等了三天才来人。',
    '供暖费年年按时交，室温却不达标，希望能退部分费用。',
    '客服电话总是占线，打了一上午才打通。',
    '管道有异响，晚上影响睡觉，希望尽快处理。',
    '楼上漏水把我家淹了，处理得太慢。',
  ],
  repairGood: ['师傅来得很快，修得也好。', '维修师傅很耐心，讲得很清楚。', '当天报修当天就修好了，很省心。'],
  repairMixed: ['修好了，但预约时间等得有点久。', '师傅人不错，就是没带齐配件跑了两趟。'],
  repairBad: ['修完第二天又漏了，还得再报修。', '约好上午来，下午才到，也没提前打电话。', '换了阀门还是不热，问题没解决。'],
} as const;

export const textFor = (r: Random, kind: keyof typeof TEXTS): string => r.pick(TEXTS[kind]);
