/**
 * The heating template's knowledge base: categories and starter articles, seeded once (stable seed keys, so a
 * second run writes nothing) the first time the knowledge base is used on a heating installation.
 */
export type SeedArticle = { key: string; category: string; title: string; titleEn: string; summary: string; tags: string[]; body: string };

export const HEATING_CATEGORIES: { key: string; name: string; nameEn: string }[] = [
  { key: 'heating', name: '供暖问题', nameEn: 'Heating problems' },
  { key: 'billing', name: '缴费与发票', nameEn: 'Payments and invoices' },
  { key: 'repair', name: '维修与应急', nameEn: 'Repairs and emergencies' },
  { key: 'service', name: '服务与投诉', nameEn: 'Service and complaints' },
];

export const HEATING_ARTICLES: SeedArticle[] = [
  {
    key: 'heating.not-warm',
    category: 'heating',
    title: '暖气不热怎么办',
    titleEn: 'The radiators are not warm',
    summary: '暖气不热多半是管道里有空气、阀门没开全或过滤网堵塞，可先自行排气、检查阀门，仍不热请报修。',
    tags: ['暖气不热', '排气', '阀门'],
    body: `## 先自己检查

1. **阀门是否全开**：进水阀、回水阀都要开到底（阀柄与管道平行为开）。
2. **排气**：暖气片上方的排气阀（放风阀）用螺丝刀逆时针拧开，先出气后出水，见水即关。排气时用盆接水。
3. **过滤网堵塞**：入户阀门处的过滤器（除污器）堵塞会让整户不热，需维修人员清洗，请勿自行拆卸。
4. **暖气片被遮挡**：家具、暖气罩、窗帘遮住暖气片会让室温明显下降。

## 仍然不热

请拨打客服热线报修，说明小区、楼栋、单元、房号，以及是全屋不热还是个别暖气片不热、上热下凉还是整片冰凉。我们会在 24 小时内安排维修人员上门。`,
  },
  {
    key: 'heating.temperature-standard',
    category: 'heating',
    title: '室温不达标的检测标准',
    titleEn: 'How room temperature is measured',
    summary: '供暖期间卧室、起居室室温不低于 18 °C；检测在房间中央、距地面 1.5 米处进行，门窗关闭 1 小时以上。',
    tags: ['室温', '测温', '18度'],
    body: `## 标准

供暖期间，住宅卧室、起居室（厅）的室内温度应不低于 **18 °C**。

## 怎么测

- 关闭门窗 1 小时以上后测量；
- 测温点在房间中央、距地面 **1.5 米**高处，远离暖气片、空调、阳光直射等热源和冷源；
- 使用经过检定的温度计，测量不少于 10 分钟。

## 测出来不达标

请拨打客服热线申请上门测温。工作人员会出具测温记录，确认不达标的，我们先排查维修；因供热原因达不到标准的，按当地规定退还相应天数的采暖费。`,
  },
  {
    key: 'heating.season',
    category: 'heating',
    title: '供暖期时间',
    titleEn: 'The heating season',
    summary: '以哈尔滨为例，供暖期为每年 10 月 20 日至次年 4 月 20 日；遇气温异常会提前或延长供暖。',
    tags: ['供暖期', '开栓', '停暖'],
    body: `## 供暖期

以哈尔滨为例，法定供暖期为每年 **10 月 20 日至次年 4 月 20 日**。各地时间以当地政府公告为准。

- 气温持续偏低时，政府可决定**提前供暖**或**延长供暖**，我们会通过短信、公众号和小区公告通知。
- 供暖前会进行试水、试压，请检查家中阀门、暖气片有无渗漏，发现问题及时报修。
- 开栓前请确保家中有人或已办理开栓预约。`,
  },
  {
    key: 'heating.suspend',
    category: 'billing',
    title: '如何报停/恢复供暖',
    titleEn: 'Suspending or resuming heating',
    summary: '房屋长期无人居住可在供暖期开始前申请报停，按规定缴纳基础热费；恢复供暖需提前申请并缴清费用。',
    tags: ['报停', '恢复供暖', '停供'],
    body: `## 报停

- 房屋长期无人居住的，可在**供暖期开始前**到营业厅或通过公众号申请报停；
- 需提供房屋产权证明或购房合同、身份证；
- 报停后由工作人员上门关闭并铅封入户阀门，按当地规定缴纳基础热费（空置费）。

## 恢复供暖

- 需提前 3 个工作日申请，缴清当期采暖费后安排开栓；
- 请勿自行拆除铅封，私自开栓将按违约用热处理。`,
  },
  {
    key: 'billing.payment',
    category: 'billing',
    title: '缴费方式',
    titleEn: 'How to pay the heating fee',
    summary: '采暖费可通过公众号、支付宝/微信生活缴费、银行代收或营业厅缴纳；请在开栓前缴清。',
    tags: ['缴费', '采暖费', '交费'],
    body: `## 缴费渠道

- **微信公众号**：进入“缴费服务”，输入用户编号或房号即可缴费；
- **支付宝 / 微信生活缴费**：选择“供暖费”，搜索本公司；
- **银行代收**：各合作银行网点柜台或手机银行；
- **营业厅**：工作日 8:30–17:00，可刷卡、扫码。

## 提示

- 采暖费按建筑面积 × 单价计算，请在开栓前缴清；
- 缴费后可在公众号查询缴费记录、申请电子发票。`,
  },
  {
    key: 'billing.invoice',
    category: 'billing',
    title: '发票开具',
    titleEn: 'Invoices',
    summary: '缴费后可在公众号申请电子发票，单位用户可开增值税专用发票，需提供开票信息。',
    tags: ['发票', '开票', '电子发票'],
    body: `## 电子发票

缴费成功后，在公众号“缴费记录”中选择对应记录，点击“申请发票”，填写抬头（个人或单位名称）和邮箱，发票会在 1–3 个工作日内发送到邮箱。

## 专用发票

单位用户需要增值税专用发票的，请携带单位名称、纳税人识别号、地址电话、开户行及账号到营业厅办理。

## 发票遗失或有误

可在公众号重新下载电子发票；抬头有误的请联系客服作废重开。`,
  },
  {
    key: 'repair.leak',
    category: 'repair',
    title: '漏水应急处理',
    titleEn: 'Water leaks: what to do first',
    summary: '发现暖气漏水，先关闭入户进水阀和回水阀，用盆、毛巾接水，切断附近电源，然后立即拨打抢修电话。',
    tags: ['漏水', '跑水', '抢修'],
    body: `## 立即处理

1. **关阀门**：关闭入户的进水阀和回水阀（阀柄与管道垂直为关）；只是某一组暖气片漏水的，关闭这组暖气片两端的阀门。
2. **接水防护**：用盆、水桶、毛巾接水，挪开附近的电器和贵重物品。
3. **注意安全**：暖气水温较高，小心烫伤；漏水靠近插座、电器时先断电。
4. **立即报修**：拨打 24 小时抢修电话，说明地址和漏水位置，抢修人员会尽快到达。

## 提醒

如水已渗到楼下，请及时通知楼下邻居。请勿自行拆卸管道或暖气片。`,
  },
  {
    key: 'service.complaints',
    category: 'service',
    title: '投诉渠道',
    titleEn: 'How to complain',
    summary: '可通过客服热线、公众号、网上自助页面或营业厅投诉，我们在 24 小时内答复并告知处理结果。',
    tags: ['投诉', '建议', '服务'],
    body: `## 投诉方式

- **客服热线**：24 小时受理；
- **微信公众号 / 网上自助页面**：提交投诉并上传照片，可随时查看处理进度；
- **营业厅**：工作日当面反映。

## 我们的承诺

- 每一件投诉 **24 小时内**答复；
- 一线客服处理不了的，逐级升级到班组长、部门经理；
- 处理完成后告知您结果，并进行回访，听取您的满意度评价。`,
  },
];
