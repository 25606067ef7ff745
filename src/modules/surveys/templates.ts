/**
 * The survey templates Hearth ships (issue #15): a CSAT check after a ticket, a relational NPS with a follow-up that
 * depends on the score, the 22-item SERVQUAL questionnaire worded for a district-heating company, and a CES check
 * after a repair. A new survey starts as a copy of one of them; every one passes surveyDefinitionSchema
 * (templates.test.ts). SERVQUAL follows Parasuraman, Zeithaml & Berry's 22 items in the classic order: tangibles 1–4,
 * reliability 5–9, responsiveness 10–13, assurance 14–17, empathy 18–22, each answered twice (expectation, perception).
 */
import type { Dimension, SurveyDefinition, Text } from './definition.js';
import type { SurveyKind, SurveyTemplateKey } from './surveys.contract.js';

/** What a template measures (a custom survey has no template). */
export type SurveyTemplateKind = Exclude<SurveyKind, 'custom'>;

export interface SurveyTemplate {
  key: SurveyTemplateKey;
  name: Text;
  /** One line for the template picker. */
  description: Text;
  kind: SurveyTemplateKind;
  definition: SurveyDefinition;
}

const THANKS: Text = { zh: '感谢您的反馈，我们会认真改进！', en: 'Thank you for your feedback — we will act on it.' };

const ticketCsat: SurveyTemplate = {
  key: 'ticket_csat',
  name: { zh: '工单服务满意度（CSAT）', en: 'Ticket satisfaction (CSAT)' },
  description: { zh: '工单解决后询问满意度（1–5 分）和建议。', en: 'Asks for a 1–5 satisfaction score and suggestions after a ticket is resolved.' },
  kind: 'csat',
  definition: {
    title: { zh: '服务满意度回访', en: 'How did we do?' },
    intro: { zh: '您的问题已处理完毕，请花 1 分钟评价本次服务。', en: 'Your request has been resolved. Please take a minute to rate our service.' },
    thanks: THANKS,
    questions: [
      {
        id: 'satisfaction',
        type: 'csat',
        text: { zh: '您对本次服务满意吗？', en: 'How satisfied are you with this service?' },
        help: { zh: '1 = 非常不满意，5 = 非常满意', en: '1 = very dissatisfied, 5 = very satisfied' },
        required: true,
      },
      {
        id: 'suggestion',
        type: 'text',
        text: { zh: '您对本次服务还有什么建议？', en: 'Any suggestions about this service?' },
        required: false,
        maxLength: 500,
      },
    ],
  },
};

const relationalNps: SurveyTemplate = {
  key: 'relational_nps',
  name: { zh: '客户推荐意愿（NPS）', en: 'Relationship NPS' },
  description: { zh: '定期询问推荐意愿（0–10 分），贬损者追问不满，其他人追问最看重的方面。', en: 'Asks how likely customers are to recommend us (0–10), then what disappointed detractors or what others value.' },
  kind: 'nps',
  definition: {
    title: { zh: '供热服务推荐意愿调查', en: 'Would you recommend us?' },
    intro: { zh: '只有两个问题，感谢您抽出时间。', en: 'Just two questions — thank you for your time.' },
    thanks: THANKS,
    questions: [
      {
        id: 'recommend',
        type: 'nps',
        text: { zh: '您有多大可能向亲友推荐我们的供热服务？', en: 'How likely are you to recommend our heating service to friends and family?' },
        help: { zh: '0 = 完全不可能，10 = 非常可能', en: '0 = not at all likely, 10 = extremely likely' },
        required: true,
        // Detractors (0–6) are asked what went wrong; everyone else what they value.
        branches: [{ when: { op: 'lte', value: 6 }, goTo: 'dislike' }],
      },
      {
        id: 'valued',
        type: 'text',
        text: { zh: '您最看重我们的哪一点？', en: 'What do you value most about us?' },
        required: false,
        maxLength: 500,
        branches: [
          { when: { op: 'answered' }, goTo: 'end' },
          { when: { op: 'skipped' }, goTo: 'end' },
        ],
      },
      {
        id: 'dislike',
        type: 'text',
        text: { zh: '哪些方面让您不满意？', en: 'What disappointed you?' },
        required: false,
        maxLength: 500,
      },
    ],
  },
};

/** One SERVQUAL item: [dimension, 中文, English]. */
type ItemRow = readonly [Dimension, string, string];

const HEATING_ITEMS: readonly ItemRow[] = [
  // 有形性 Tangibles (1–4)
  ['tangibles', '营业厅环境整洁、设施齐全', 'The service hall is clean and well equipped'],
  ['tangibles', '维修人员着装统一、佩戴工牌', 'Repair staff wear uniforms and identity badges'],
  ['tangibles', '换热站、管道、阀门等供热设施外观完好、维护良好', 'Substations, pipes and valves look sound and well maintained'],
  ['tangibles', '账单、缴费通知和宣传资料清晰易懂', 'Bills, payment notices and leaflets are clear and easy to understand'],
  // 可靠性 Reliability (5–9)
  ['reliability', '供暖期内室温稳定达标（不低于 18℃）', 'Room temperature meets the standard (at least 18 °C) all season'],
  ['reliability', '按公布的日期按时供暖、停暖', 'Heating starts and stops on the announced dates'],
  ['reliability', '维修人员按约定时间准时上门', 'Repair staff arrive at the agreed time'],
  ['reliability', '故障一次修好，无需反复报修', 'Faults are fixed right the first time'],
  ['reliability', '收费透明，账单准确无误', 'Charges are transparent and bills are accurate'],
  // 响应性 Responsiveness (10–13)
  ['responsiveness', '客服热线及时接听', 'The service hotline is answered promptly'],
  ['responsiveness', '报修后维修人员迅速响应', 'Repair requests get a quick response'],
  ['responsiveness', '停热、检修等情况提前通知到户', 'Outages and maintenance are announced to households in advance'],
  ['responsiveness', '工作人员乐于帮忙，从不推诿', 'Staff are always willing to help and never pass the buck'],
  // 保证性 Assurance (14–17)
  ['assurance', '维修人员技术熟练、专业可靠', 'Repair staff are skilled and competent'],
  ['assurance', '工作人员礼貌、耐心', 'Staff are courteous and patient'],
  ['assurance', '入户服务规范，让您感到安全放心', 'Home visits are conducted properly and you feel safe'],
  ['assurance', '工作人员能准确解答供热和收费问题', 'Staff answer questions about heating and charges accurately'],
  // 移情性 Empathy (18–22)
  ['empathy', '关心老人、独居等特殊用户的用暖需求', 'Elderly and vulnerable households get special attention'],
  ['empathy', '营业时间和缴费渠道方便用户', 'Opening hours and payment channels suit customers'],
  ['empathy', '工作人员了解您的具体需求', 'Staff understand your particular needs'],
  ['empathy', '把用户的利益放在心上', "Customers' interests come first"],
  ['empathy', '主动回访，关心您的用暖体验', 'We follow up to ask how your heating is'],
];

/** Importance points per dimension (of 100): reliability matters most, as in most SERVQUAL studies. */
export const DEFAULT_DIMENSION_WEIGHTS: Record<Dimension, number> = {
  reliability: 32,
  responsiveness: 22,
  assurance: 19,
  empathy: 16,
  tangibles: 11,
};

const heatingServqual: SurveyTemplate = {
  key: 'heating_servqual',
  name: { zh: '供热服务质量（SERVQUAL）', en: 'Heating service quality (SERVQUAL)' },
  description: { zh: '22 项服务质量量表，五个维度的期望与感知差距。', en: 'The 22-item service quality scale: expectation vs perception gaps on five dimensions.' },
  kind: 'servqual',
  definition: {
    title: { zh: '供热服务质量调查', en: 'Heating service quality survey' },
    intro: {
      zh: '每一项请打两个分：您对优秀供热企业的期望，以及我们的实际表现（1 = 非常不同意，7 = 非常同意）。',
      en: 'Rate each statement twice: what you expect of an excellent heating company, and how we actually perform (1 = strongly disagree, 7 = strongly agree).',
    },
    thanks: THANKS,
    questions: [
      {
        id: 'servqual',
        type: 'servqual',
        text: { zh: '请对以下各项分别评价期望与实际感受', en: 'Rate your expectation and your experience for each statement' },
        required: true,
        items: HEATING_ITEMS.map(([dimension, zh, en], i) => ({ id: `i${i + 1}`, dimension, text: { zh, en } })),
      },
      {
        id: 'comment',
        type: 'text',
        text: { zh: '您还有什么意见或建议？', en: 'Anything else you would like to tell us?' },
        required: false,
        maxLength: 1000,
      },
    ],
    dimensionWeights: { ...DEFAULT_DIMENSION_WEIGHTS },
  },
};

const repairCes: SurveyTemplate = {
  key: 'repair_ces',
  name: { zh: '报修省心度（CES）', en: 'Repair effort (CES)' },
  description: { zh: '维修完成后询问报修是否省心（1–7 分）。', en: 'Asks how easy it was to get a repair handled (1–7).' },
  kind: 'ces',
  definition: {
    title: { zh: '报修体验回访', en: 'Your repair experience' },
    thanks: THANKS,
    questions: [
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
        text: { zh: '哪些环节可以让报修更省心？', en: 'What would have made it easier?' },
        required: false,
        maxLength: 500,
      },
    ],
  },
};

export const SURVEY_TEMPLATES: readonly SurveyTemplate[] = [ticketCsat, relationalNps, heatingServqual, repairCes];

/** A template by key (a fresh copy: the caller may edit it into a new survey's definition). */
export function surveyTemplate(key: SurveyTemplateKey): SurveyTemplate {
  const found = SURVEY_TEMPLATES.find((t) => t.key === key);
  if (!found) throw new RangeError(`no survey template '${key}'`);
  return structuredClone(found);
}
