/**
 * The labels of the customer's own fields, in both languages: the server's field errors and the web forms, 360
 * and history all name a field by these (one list, imported by customers.messages.ts and the web's fields.messages.ts).
 */
export const customerFieldLabels = {
  zhCN: {
    'field.kind': '客户类型',
    'field.name': '姓名/名称',
    'field.phones': '电话',
    'field.email': '邮箱',
    'field.gender': '性别',
    'field.birthday': '生日',
    'field.lunarBirthday': '农历生日',
    'field.idType': '证件类型',
    'field.idNumber': '证件号码',
    'field.address': '地址',
    'field.tags': '标签',
    'field.source': '来源',
    'field.stage': '生命周期阶段',
    'field.ownerId': '客户经理',
    'field.teamId': '团队',
    'field.consent': '联系许可',
    'field.notes': '备注',
  },
  en: {
    'field.kind': 'Customer type',
    'field.name': 'Name',
    'field.phones': 'Phones',
    'field.email': 'Email',
    'field.gender': 'Gender',
    'field.birthday': 'Birthday',
    'field.lunarBirthday': 'Lunar birthday',
    'field.idType': 'ID type',
    'field.idNumber': 'ID number',
    'field.address': 'Address',
    'field.tags': 'Tags',
    'field.source': 'Source',
    'field.stage': 'Lifecycle stage',
    'field.ownerId': 'Account manager',
    'field.teamId': 'Team',
    'field.consent': 'Consent',
    'field.notes': 'Notes',
  },
} as const;
