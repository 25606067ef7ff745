/**
 * What the demo's content scripts (content.ts) write: the knowledge base's articles beyond the heating template's
 * starter ones, the segments and goals an operator of a heating company keeps. Plain data, Chinese texts.
 */
import type { SegmentRule as Rule } from '../segments/index.js';

/** Categories by name: the heating template's four (found again), and those the demo adds (a child names its parent). */
export type DemoCategory = { key: string; name: string; nameEn: string; parent: string | null; sortOrder: number };
export const KB_CATEGORIES: readonly DemoCategory[] = [
  { key: 'heating', name: '供暖问题', nameEn: 'Heating problems', parent: null, sortOrder: 0 },
  { key: 'billing', name: '缴费与发票', nameEn: 'Payments and invoices', parent: null, sortOrder: 10 },
  { key: 'repair', name: '维修与应急', nameEn: 'Repairs and emergencies', parent: null, sortOrder: 20 },
  { key: 'service', name: '服务与投诉', nameEn: 'Service and complaints', parent: null, sortOrder: 30 },
  { key: 'devices', name: '室内设施与调节', nameEn: 'Radiators, floors and valves', parent: 'heating', sortOrder: 5 },
  { key: 'guide', name: '办事指南', nameEn: 'How to apply', parent: null, sortOrder: 40 },
];

/**
 * An article: `views` is its share of the public page's reads (a weight), `uses` how often agents put it into a reply.
 * Internal ones (`isPublic: false`) are for agents only; a draft is not published yet.
 */
export type DemoArticle = {
  category: string;
  title: string;
  summary: string;
  tags: string[];
  body: string;
  isPublic: boolean;
  status: 'published' | 'draft';
  views: number;
  uses: number;
};

export const KB_ARTICLES: readonly DemoArticle[] = [
  {
    category: 'heating',
    title: '室温不达标自查清单',
    summary: '觉得屋里不够暖？先按清单检查门窗、阀门、排气和遮挡，多数问题当场就能解决；仍不达标再申请上门测温。',
    tags: ['室温', '自查', '不热'],
    body: `## 先确认是不是真的不达标

- 关闭门窗 1 小时后，在房间中央、离地 1.5 米处测温；卧室、客厅不低于 **18 °C** 为达标。
- 早晚气温骤降时室温会有波动，连续测 2～3 次再判断。

## 自查清单

1. **门窗**：窗缝漏风、阳台门未关严，是室温偏低最常见的原因。
2. **阀门**：进水阀、回水阀全开（阀柄与管道平行）。
3. **排气**：暖气片上热下凉，多半是存了空气，用排气阀放气至出水即可。
4. **遮挡**：暖气罩、沙发、厚窗帘会挡住散热。
5. **邻居**：同一单元多户都不热，可能是楼内管网问题，请直接报修。

## 仍不达标

拨打客服热线申请上门测温，说明小区、楼栋、单元、房号。确认因供热原因不达标的，按规定退还相应天数热费。`,
    isPublic: true,
    status: 'published',
    views: 3,
    uses: 6,
  },
  {
    category: 'devices',
    title: '温控阀的使用与调节',
    summary: '温控阀刻度 1～5 对应约 8～28 °C，日常放在 3 档（约 20 °C）即可；离家时调低，不要关死以免冻管。',
    tags: ['温控阀', '调节', '节能'],
    body: `## 刻度与温度

| 刻度 | 大约室温 |
|---|---|
| ❄ | 防冻（约 8 °C） |
| 2 | 16 °C |
| 3 | 20 °C |
| 4 | 24 °C |
| 5 | 28 °C |

## 使用建议

- 日常放在 **3 档**，卧室可调到 2～3 档；
- 调节后约 1 小时室温才会变化，请不要来回频繁拧动；
- 温控阀头不要被窗帘、家具遮住，否则它感受到的温度偏高，会提前关小；
- 外出几天请调到 ❄ 档，**不要关死阀门**，以免管道冻裂。

## 常见问题

温控阀调到最大仍不热：先检查暖气片是否需要排气，再报修检查阀芯是否卡滞。`,
    isPublic: true,
    status: 'published',
    views: 2,
    uses: 2,
  },
  {
    category: 'devices',
    title: '地暖不热的排查方法',
    summary: '地暖升温慢是正常现象；长时间不热请检查分水器阀门、过滤器和各路排气，仍不热请报修清洗管路。',
    tags: ['地暖', '分水器', '不热'],
    body: `## 先了解地暖的特点

地暖靠地面散热，开栓后一般需要 **2～3 天** 才能达到稳定室温，铺了厚地毯或木地板会更慢。

## 自查步骤

1. 打开分集水器上的总阀和各路阀门；
2. 检查分水器前的过滤器是否堵塞（需关阀后清洗，不熟悉请报修）；
3. 逐路打开排气阀放气，听到水流声、见水后关闭；
4. 个别房间不热，多为该路管道有气或阀门未开。

## 何时报修

整屋长期不热、地面冷热不均明显，可能是管路沉积物多，需要专业清洗。请拨打热线预约，清洗为有偿服务，收费标准见营业厅公示。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 1,
  },
  {
    category: 'devices',
    title: '暖气片的清洗与保养',
    summary: '暖气片每 2～3 个供暖期清洗一次更节能；停暖后请保持满水，不要私自放水或拆改。',
    tags: ['暖气片', '清洗', '保养'],
    body: `## 为什么要清洗

暖气片内的水垢和杂质会越积越多，导致上热下凉、散热变差。建议每 **2～3 个供暖期** 清洗一次。

## 日常保养

- 停暖后暖气片内要 **保持满水**（湿保养），防止内壁锈蚀；
- 不要在暖气片上搭湿衣物、放杂物；
- 定期擦去表面灰尘，灰尘多会影响散热；
- 不要私自拆改、加装暖气片，以免造成全楼水力失调。

## 预约清洗

非供暖期（5 月～9 月）可拨打热线预约上门清洗，工作人员会出示工作证并按公示价格收费。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 0,
  },
  {
    category: 'heating',
    title: '长期无人居住的防冻措施',
    summary: '冬季外出或房屋空置，温控阀调到防冻档，关好门窗，请邻居或物业留意，发现漏水立即关阀报修。',
    tags: ['防冻', '空置', '冻管'],
    body: `## 出门前

- 温控阀调到 **❄ 防冻档**，不要关闭进回水阀门；
- 关好门窗，特别是厨房、卫生间的小窗；
- 将钥匙或联系方式留给邻居、物业，方便发生漏水时及时处理。

## 已办理报停的房屋

报停后暖气不再供热，室内温度可能降到 0 °C 以下，请将户内上下水放空，防止水管、水表冻裂。

## 发现冻裂漏水

立即关闭入户阀门，用毛巾、盆接水，拨打 24 小时抢修热线。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 1,
  },
  {
    category: 'billing',
    title: '热计量收费说明',
    summary: '已安装热计量表的住户按"基本热价＋计量热价"收费，多退少补；未计量住户仍按面积收费。',
    tags: ['热计量', '收费标准', '面积'],
    body: `## 两种收费方式

1. **按面积收费**：热费 = 供暖面积 × 单价（住宅 41.60 元/平方米·供暖期）。
2. **按热计量收费**：热费 = 基本热费（面积 × 基本热价）+ 计量热费（用热量 × 计量热价）。

## 计量住户怎么缴

- 供暖期开始前按面积预交；
- 供暖期结束后按热表读数结算，**多退少补**，结算单通过短信和公众号推送。

## 申请改为计量收费

整栋楼完成计量改造后可申请，请到营业厅办理，需提供房屋产权证明和身份证。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 1,
  },
  {
    category: 'billing',
    title: '网上缴费后显示未到账怎么办',
    summary: '银行和第三方支付一般 1～2 个工作日入账；超过 3 个工作日仍显示欠费，请携带付款凭证联系营业厅核对。',
    tags: ['网上缴费', '未到账', '欠费'],
    body: `## 到账时间

- 公众号、手机银行缴费：一般 **当日** 入账；
- 银行代收、第三方支付：**1～2 个工作日**；
- 节假日顺延。

## 超过 3 个工作日仍未到账

1. 保存付款截图或交易流水号；
2. 拨打客服热线或到营业厅，提供户号、付款时间和金额；
3. 核实后 1 个工作日内补登，不产生滞纳金。

## 注意

缴费时请核对 **户号和户名**，缴错户号需由双方到营业厅办理调账。`,
    isPublic: true,
    status: 'published',
    views: 2,
    uses: 4,
  },
  {
    category: 'billing',
    title: '低保户与困难家庭热费减免',
    summary: '持有效低保证、特困证的家庭可申请热费减免，每个供暖期开始前到营业厅或社区办理。',
    tags: ['低保', '减免', '困难家庭'],
    body: `## 谁可以申请

- 持有效 **城乡低保证** 或 **特困人员救助供养证** 的家庭；
- 享受政府其他供暖补贴的，按当地规定执行，不重复享受。

## 怎么办理

1. 每个供暖期开始前（9 月 1 日—10 月 15 日）到营业厅或所在社区申请；
2. 携带户主身份证、低保证或特困证、房屋产权证明；
3. 审核通过后按规定比例减免当期热费，剩余部分照常缴纳。

## 提醒

证件过期或家庭情况变化，请及时告知，以免影响下一期的减免。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 1,
  },
  {
    category: 'repair',
    title: '维修预约流程',
    summary: '通过热线、公众号或营业厅报修，工作人员 2 小时内联系确认时间，上门维修后会回访满意度。',
    tags: ['报修', '预约', '上门维修'],
    body: `## 报修渠道

- 24 小时客服热线；
- 公众号"报修服务"；
- 营业厅现场登记；
- 扫描单元门口的报修二维码。

## 处理流程

1. **登记**：说明户号或地址、故障现象、方便上门的时间；
2. **确认**：工作人员 2 小时内电话联系，约定上门时间（急修 2 小时内到场）；
3. **上门**：维修人员出示工作证，维修前告知是否收费；
4. **回访**：维修完成后 3 天内电话回访，您也可以在短信链接里评价。

## 收费

户内公共管网和供热设施维修免费；户内自行改装、加装部分的维修按公示价格收费。`,
    isPublic: true,
    status: 'published',
    views: 2,
    uses: 5,
  },
  {
    category: 'repair',
    title: '暖气异响的原因与处理',
    summary: '开栓初期的流水声、咕噜声多是管道里有空气，排气即可；持续敲击声或啸叫请报修检查阀门和管网压力。',
    tags: ['异响', '噪音', '排气'],
    body: `## 常见声音和原因

| 声音 | 可能原因 | 怎么办 |
|---|---|---|
| 咕噜声、流水声 | 管道或暖气片里有空气 | 打开排气阀放气 |
| 噼啪、咔哒声 | 管道热胀冷缩 | 正常现象，升温稳定后减少 |
| 持续敲击声 | 阀门阀芯松动 | 报修更换阀芯 |
| 尖锐啸叫 | 阀门开度太小、压差大 | 把阀门开到全开，仍有请报修 |

## 提醒

请不要自行拆卸阀门。夜间出现大量流水声并伴有漏水，请立即关闭入户阀门并拨打抢修热线。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 2,
  },
  {
    category: 'guide',
    title: '新房开栓（首次供暖）办理流程',
    summary: '新交付房屋首次供暖需办理开栓：缴清当期热费后预约，工作人员上门开阀试压。',
    tags: ['开栓', '新房', '首次供暖'],
    body: `## 需要准备

- 购房合同或不动产权证；
- 户主身份证；
- 开发商出具的交房证明（新交付小区）。

## 办理步骤

1. 到营业厅或公众号 **开户**，取得户号；
2. 缴纳当期热费；
3. 预约开栓时间，**开栓时家中需有人**；
4. 工作人员上门开启阀门、检查试压，签字确认。

## 开栓前请检查

家中暖气片、地暖分水器是否安装完整，阀门是否关闭，避免开栓时漏水。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 1,
  },
  {
    category: 'guide',
    title: '房屋过户后热费户名变更',
    summary: '二手房过户后请及时办理热费户名变更，原户主的欠费需在变更前结清。',
    tags: ['过户', '更名', '户名变更'],
    body: `## 需要准备

- 新的不动产权证；
- 新户主身份证（代办需委托书和代办人身份证）；
- 原户号或缴费单据。

## 办理方式

营业厅现场办理，当场完成；材料齐全的也可在公众号上传照片办理，1 个工作日内完成审核。

## 注意

- 变更前需 **结清** 原户主名下的欠费；
- 变更后短信提醒、电子发票将发到新户主的手机号。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 0,
  },
  {
    category: 'service',
    title: '供热服务承诺与时限',
    summary: '投诉 24 小时内答复，急修 2 小时内到场，一般维修 24 小时内上门，咨询当场答复。',
    tags: ['服务承诺', '时限', '投诉'],
    body: `## 我们的承诺

| 事项 | 时限 |
|---|---|
| 热线接听 | 24 小时，15 秒内接通 |
| 投诉答复 | **24 小时内** 首次答复 |
| 急修（跑水、全户不热） | 2 小时内到场 |
| 一般维修 | 24 小时内上门 |
| 室温测温 | 48 小时内上门 |

## 没有做到怎么办

超过承诺时限未处理的，可拨打监督电话或在公众号"投诉建议"中留言，我们会升级处理并告知结果。`,
    isPublic: true,
    status: 'published',
    views: 1,
    uses: 3,
  },
  {
    category: 'service',
    title: '【内部】室温投诉受理话术与流程',
    summary: '接到室温投诉：先安抚、再核实地址和测温情况，按自查清单引导，无法解决的当场建单派测温。',
    tags: ['话术', '室温', '内部'],
    body: `## 受理要点

1. **先致歉**："给您添麻烦了，我马上帮您登记处理。"
2. **核实信息**：户号或小区楼栋单元房号、联系电话、是否独居老人或有婴幼儿（优先派单）。
3. **了解情况**：全屋还是个别房间不热；是否测过温、温度多少；邻居是否同样不热。
4. **引导自查**：按《室温不达标自查清单》逐项确认，能解决的当场解决。
5. **建单**：仍不达标的建"室温不达标"工单，优先级按室温：低于 16 °C 为"高"，低于 12 °C 或有老人婴幼儿为"紧急"。

## 答复时限

投诉类工单 24 小时内必须首次答复；测温后 1 个工作日内告知结果。

## 禁止用语

"这不归我们管""你自己看着办""别人家都热"。`,
    isPublic: false,
    status: 'published',
    views: 0,
    uses: 8,
  },
  {
    category: 'billing',
    title: '【草稿】下一供暖期缴费安排',
    summary: '下一供暖期缴费时间、优惠政策和缴费渠道，待价格主管部门批复后发布。',
    tags: ['缴费', '通知'],
    body: `## 缴费时间

每年 8 月 15 日起开始缴纳下一供暖期热费，11 月 30 日前缴清。

## 优惠

9 月 30 日前缴费的住户享受 **2%** 的早缴优惠（待批复）。

## 渠道

营业厅、公众号、手机银行、社区代收点。`,
    isPublic: false,
    status: 'draft',
    views: 0,
    uses: 0,
  },
];

/** Tags the generator gives households (data.ts TAGS), as the rules name them. */
const ARREARS = '欠费';
const STOPPED = '已报停';

/** The dynamic segments, refreshed at the end of the load (after the analytics run: two of them use its results). */
export const DEMO_SEGMENTS: readonly { name: string; description: string; rule: Rule }[] = [
  {
    name: '欠费住户',
    description: '本供暖期缴费期限已过仍未缴费的住户（标签"欠费"），或一年内没有缴费且未报停的住户',
    rule: {
      any: [
        { field: 'customer.tags', op: 'hasAny', value: [ARREARS] },
        {
          all: [
            { field: 'tx.lastDate', op: 'notWithinDays', value: 365, params: { type: 'payment' } },
            { field: 'customer.tags', op: 'hasNone', value: [STOPPED] },
            { field: 'customer.stage', op: 'notIn', value: ['churned', 'prospect'] },
          ],
        },
      ],
    },
  },
  {
    name: '高价值客户',
    description: '价值分析评为高价值的住户：缴费稳定、面积大或常购增值服务',
    rule: { field: 'analytics.valueTier', op: 'eq', value: 'high' },
  },
  {
    name: '高流失风险住户',
    description: '价值分析评为高流失风险、尚未报停的住户，客户经理优先回访',
    rule: {
      all: [
        { field: 'analytics.churnLevel', op: 'eq', value: 'high' },
        { field: 'customer.tags', op: 'hasNone', value: [STOPPED] },
      ],
    },
  },
  {
    name: '独居老人',
    description: '标记为独居老人的住户：寒潮、停暖时优先电话关怀',
    rule: { field: 'customer.tags', op: 'hasAny', value: ['独居老人'] },
  },
  {
    name: '本季投诉过的住户',
    description: '近 180 天（约一个供暖期）内有投诉工单的住户',
    rule: { field: 'service.complaints', op: 'gte', value: 1, params: { days: 180 } },
  },
];

/** A list kept by hand: households the account managers visit before the Spring Festival. */
export const STATIC_LIST = { name: '春节走访名单', description: '客户经理手工维护：春节前上门走访的独居老人和困难家庭', size: 12 };

/** 培训记录 a team lead keeps on account managers (one note each). */
export const TRAINING_NOTES: readonly string[] = [
  '参加《室温投诉受理话术》培训并通过考核；回访录音抽查 5 条，表达清楚，对独居老人的关怀提醒需加强。',
  '跟岗学习急修流程（漏水应急处理），由班组长带教半天；已能独立指导住户关闭入户阀门。',
  '首次答复有超时工单，已复盘：夜间工单交接不清。要求交班时逐单确认，并在工单中留内部备注。',
];
