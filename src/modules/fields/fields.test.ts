/**
 * Custom fields on customers: definitions (admin only, audited), values validated on write in both languages,
 * merged on update, shown in history, filtered (GIN containment and ranges), exported and imported.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { importFile } from '../../test/imports.js';
import { customers } from '../customers/schema.js';
import { problemOf } from '../../test/http.js';

const LEVELS = [
  { value: 'gold', labelZh: '金卡', labelEn: 'Gold' },
  { value: 'silver', labelZh: '银卡', labelEn: 'Silver' },
  { value: 'bronze', labelZh: '铜卡', labelEn: 'Bronze' },
];
const HEATING = [
  { value: 'floor', labelZh: '地暖', labelEn: 'Underfloor' },
  { value: 'radiator', labelZh: '暖气片', labelEn: 'Radiator' },
];

describe('custom fields', () => {
  let ctx: TestContext;
  let agent: Client, viewer: Client;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // A blank installation: the heating template brings its own 供暖面积(㎡) field, which would sit beside these.
    ctx = await createTestContext({ template: 'blank' });
    agent = await ctx.newUser({ role: 'agent' });
    viewer = await ctx.newUser({ role: 'viewer' });
  });
  afterAll(() => ctx.close());

  const list = async (as: Client, custom: unknown) => {
    const res = await as.get(`/api/v1/customers?limit=200&custom=${encodeURIComponent(JSON.stringify(custom))}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { name: string }[]).map((c) => c.name).sort();
  };

  it('admins define fields of every type; the definitions are audited and listed in order', async () => {
    const defs = [
      { key: 'level', labelZh: '会员等级', labelEn: 'Membership level', type: 'select', options: LEVELS },
      { key: 'area', labelZh: '供暖面积', labelEn: 'Heated area', type: 'number', required: true },
      { key: 'contract_date', labelZh: '签约日期', labelEn: 'Contract date', type: 'date' },
      { key: 'heating', labelZh: '采暖方式', labelEn: 'Heating', type: 'multiselect', options: HEATING },
      { key: 'vip', labelZh: '重点客户', labelEn: 'Key account', type: 'boolean' },
      { key: 'meter', labelZh: '表号', labelEn: 'Meter number', type: 'text' },
    ];
    for (const d of defs) {
      const res = await ctx.admin.post('/api/v1/custom-fields', d);
      expect(res.statusCode, res.body).toBe(201);
      ids[d.key] = res.json().id;
    }
    const items = (await agent.get('/api/v1/custom-fields')).json().items as { key: string; position: number; active: boolean }[];
    expect(items.map((f) => f.key)).toEqual(defs.map((d) => d.key));
    expect(items.every((f) => f.active)).toBe(true);
    const audit = (await ctx.admin.get('/api/v1/audit?entityType=custom_field')).json();
    expect(JSON.stringify(audit)).toContain('供暖面积');
  });

  it('refuses a bad key, a taken key, a select without options and duplicate option values', async () => {
    expect(problemOf(await ctx.admin.post('/api/v1/custom-fields', { key: 'Bad-Key', labelZh: '坏', labelEn: 'Bad', type: 'text' }), 400).errors[0]!.field).toBe('key');
    const taken = problemOf(await ctx.admin.post('/api/v1/custom-fields', { key: 'level', labelZh: '等级', labelEn: 'Level', type: 'text' }), 409);
    expect(taken.detail).toContain('字段标识「level」已存在');
    expect(problemOf(await ctx.admin.post('/api/v1/custom-fields', { key: 'x1', labelZh: '甲', labelEn: 'X', type: 'select' }), 400).errors[0]!.field).toBe('options');
    const dup = problemOf(
      await ctx.admin.post('/api/v1/custom-fields', { key: 'x2', labelZh: '乙', labelEn: 'Y', type: 'select', options: [LEVELS[0], LEVELS[0]] }),
      400,
    );
    expect(dup.errors[0]!.field).toBe('options.1.value');
  });

  it('permissions: a viewer cannot define fields (403); an agent reads but cannot write them', async () => {
    expect((await viewer.post('/api/v1/custom-fields', { key: 'v1', labelZh: '甲', labelEn: 'A', type: 'text' })).statusCode).toBe(403);
    expect((await agent.post('/api/v1/custom-fields', { key: 'v1', labelZh: '甲', labelEn: 'A', type: 'text' })).statusCode).toBe(403);
    expect((await agent.patch(`/api/v1/custom-fields/${ids.level}`, { labelZh: '等级' })).statusCode).toBe(403);
    expect((await agent.delete(`/api/v1/custom-fields/${ids.level}`)).statusCode).toBe(403);
    expect((await viewer.get('/api/v1/custom-fields')).statusCode).toBe(200);
    expect((await agent.get('/api/v1/custom-fields')).statusCode).toBe(200);
  });

  it('creates and updates customers with valid values: stored, returned, merged on update, and in the history', async () => {
    const c = await ctx.newCustomer({
      name: '王供暖',
      custom: { level: 'gold', area: 88.5, contract_date: '2024-09-01', heating: ['floor'], vip: true, meter: ' M-001 ' },
    });
    expect(c.custom).toEqual({ level: 'gold', area: 88.5, contract_date: '2024-09-01', heating: ['floor'], vip: true, meter: 'M-001' });
    const upd = await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: c.version, custom: { level: 'silver', meter: null, heating: ['floor', 'radiator'] } });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json().custom).toEqual({ level: 'silver', area: 88.5, contract_date: '2024-09-01', heating: ['floor', 'radiator'], vip: true });
    const [row] = await ctx.database.db.select().from(customers).where(eq(customers.id, c.id));
    expect(row!.custom).toEqual(upd.json().custom);
    const history = (await ctx.admin.get(`/api/v1/customers/${c.id}/history`)).json().items as { action: string; changes: Record<string, unknown> }[];
    const update = history.find((h) => h.action === 'update')!;
    expect(update.changes['custom.level']).toEqual(['gold', 'silver']);
    expect(update.changes['custom.meter']).toEqual(['M-001', null]);
    expect(history.find((h) => h.action === 'create')!.changes['custom.area']).toEqual([null, 88.5]);
    await ctx.newCustomer({ name: '李银卡', custom: { level: 'silver', area: 120, contract_date: '2023-01-15', heating: ['radiator'], vip: false } });
    await ctx.newCustomer({ name: '赵无卡', custom: { area: 45.2 } });
  });

  it('every invalid value → 400 naming custom.<key>, in zh-CN and English, and nothing is written', async () => {
    const before = await countRows(ctx.database, 'customers');
    const cases: [Record<string, unknown>, string, string, string][] = [
      [{ area: 80, nope: 1 }, 'custom.nope', '没有标识为「nope」的自定义字段', 'There is no custom field "nope"'],
      [{ area: '八十' }, 'custom.area', '「供暖面积」应为数字', '"Heated area" must be a number'],
      [{ area: 80, level: 'platinum' }, 'custom.level', '「会员等级」的取值「platinum」不在选项中，可选：金卡 / 银卡 / 铜卡', 'not one of its options: Gold / Silver / Bronze'],
      [{ area: 80, heating: 'floor' }, 'custom.heating', '「采暖方式」应为选项列表', '"Heating" must be a list of options'],
      [{ area: 80, heating: ['gas'] }, 'custom.heating', '「采暖方式」的取值「gas」不在选项中', '"Heating" has a value "gas"'],
      [{ area: 80, contract_date: '2024-02-30' }, 'custom.contract_date', '「签约日期」应为日期', '"Contract date" must be a date'],
      [{ area: 80, vip: '是' }, 'custom.vip', '「重点客户」应为“是”或“否”', '"Key account" must be yes or no'],
      [{ area: 80, meter: 12 }, 'custom.meter', '「表号」应为文本', '"Meter number" must be text'],
      [{ level: 'gold' }, 'custom.area', '「供暖面积」为必填项', '"Heated area" is required'],
    ];
    for (const [custom, field, zh, en] of cases) {
      const p = problemOf(await ctx.admin.post('/api/v1/customers', { name: '无效客户', custom }), 400);
      expect(p.errors.map((e) => e.field), JSON.stringify(custom)).toEqual([field]);
      expect(p.errors[0]!.message).toContain(zh);
      const pe = problemOf(await ctx.admin.lang('en').post('/api/v1/customers', { name: '无效客户', custom }), 400);
      expect(pe.errors[0]!.message).toContain(en);
    }
    expect(await countRows(ctx.database, 'customers')).toBe(before);
    // Not an object at all: zod refuses it.
    expect(problemOf(await ctx.admin.post('/api/v1/customers', { name: '无效客户', custom: 'x' }), 400).errors[0]!.field).toBe('custom');
    // An update may not clear a required value; the customer stays as it was.
    const c = await ctx.newCustomer({ name: '必填测试', custom: { area: 60 } });
    const p = problemOf(await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: c.version, name: '改名', custom: { area: null } }), 400);
    expect(p.errors).toEqual([{ field: 'custom.area', message: '「供暖面积」为必填项' }]);
    const now = (await ctx.admin.get(`/api/v1/customers/${c.id}`)).json();
    expect(now).toMatchObject({ name: '必填测试', version: c.version, custom: { area: 60 } });
  });

  it('filters the list: select and boolean equality, multi-select contains, number and date ranges; bad filters → 400', async () => {
    expect(await list(ctx.admin, { level: 'silver' })).toEqual(['李银卡', '王供暖']);
    expect(await list(ctx.admin, { vip: true })).toEqual(['王供暖']);
    expect(await list(ctx.admin, { vip: false })).toEqual(['李银卡']);
    expect(await list(ctx.admin, { heating: 'floor' })).toEqual(['王供暖']);
    expect(await list(ctx.admin, { heating: ['radiator'] })).toEqual(['李银卡', '王供暖']);
    expect(await list(ctx.admin, { area: { from: 50, to: 100 } })).toEqual(['王供暖', '必填测试'].sort());
    expect(await list(ctx.admin, { area: { from: 100 } })).toEqual(['李银卡']);
    expect(await list(ctx.admin, { contract_date: { from: '2024-01-01', to: '2024-12-31' } })).toEqual(['王供暖']);
    expect(await list(ctx.admin, { level: 'silver', area: { to: 100 } })).toEqual(['王供暖']);
    const unknown = problemOf(await ctx.admin.get(`/api/v1/customers?custom=${encodeURIComponent('{"nope":1}')}`), 400);
    expect(unknown.errors[0]!.field).toBe('custom.nope');
    const badRange = problemOf(await ctx.admin.lang('en').get(`/api/v1/customers?custom=${encodeURIComponent('{"area":{"from":"x"}}')}`), 400);
    expect(badRange.errors[0]).toMatchObject({ field: 'custom.area' });
    expect(badRange.errors[0]!.message).toContain('"Heated area"');
    const badOption = problemOf(await ctx.admin.get(`/api/v1/customers?custom=${encodeURIComponent('{"level":"platinum"}')}`), 400);
    expect(badOption.errors[0]!.field).toBe('custom.level');
    expect(problemOf(await ctx.admin.get('/api/v1/customers?custom=notjson'), 400).errors[0]!.field).toBe('custom');
  });

  it('exports one column per active field, headed by its label, select values by label; filters apply', async () => {
    const res = await ctx.admin.get(`/api/v1/customers/export.csv?custom=${encodeURIComponent('{"vip":true}')}`);
    expect(res.statusCode, res.body).toBe(200);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]!.endsWith('创建时间,会员等级,供暖面积,签约日期,采暖方式,重点客户,表号')).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.endsWith(',银卡,88.5,2024-09-01,地暖、暖气片,是,')).toBe(true);
    const en = await ctx.admin.lang('en').get('/api/v1/customers/export.csv');
    const enLines = en.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(enLines[0]!.endsWith('Membership level,Heated area,Contract date,Heating,Key account,Meter number')).toBe(true);
    expect(enLines.find((l) => l.includes('王供暖'))!.endsWith(',Silver,88.5,2024-09-01,"Underfloor, Radiator",Yes,')).toBe(true);
  });

  it('import: a column headed with a field label maps to it; cells are read by type (1,234.5; 2024年3月5日; 是; labels)', async () => {
    const csv =
      '\uFEFF姓名,会员等级,供暖面积,签约日期,采暖方式,重点客户\r\n' +
      '导入金卡,金卡,"1,234.5",2024年3月5日,地暖、Radiator,是\r\n' +
      '导入坏面积,Gold,很大,,,否\r\n' +
      '导入缺面积,gold,,,,\r\n';
    const { preview, job, rejects } = await importFile(ctx.admin, 'customers', '自定义字段.csv', csv);
    expect(preview.suggestedMapping).toMatchObject({ 会员等级: 'custom.level', 供暖面积: 'custom.area', 签约日期: 'custom.contract_date', 采暖方式: 'custom.heating', 重点客户: 'custom.vip' });
    expect(preview.fields.find((f) => f.key === 'custom.area')).toMatchObject({ label: '供暖面积', required: false });
    expect(job).toMatchObject({ created: 1, rejected: 2 });
    expect(rejects.map((r) => [r.row, r.field])).toEqual([
      [3, 'custom.area'],
      [4, 'custom.area'],
    ]);
    expect(rejects[0]!.reason).toBe('「供暖面积」应为数字');
    expect(rejects[1]!.reason).toBe('「供暖面积」为必填项');
    const [row] = await ctx.database.db.select().from(customers).where(eq(customers.name, '导入金卡'));
    expect(row!.custom).toEqual({ level: 'gold', area: 1234.5, contract_date: '2024-03-05', heating: ['floor', 'radiator'], vip: true });
  });

  it('refuses a type change once a customer has a value, and removing an option in use (409 with the count)', async () => {
    const type = problemOf(await ctx.admin.patch(`/api/v1/custom-fields/${ids.area}`, { type: 'text' }), 409);
    expect(type.errors[0]!.field).toBe('type');
    expect(type.detail).toMatch(/已有 \d+ 位客户填写了该字段/);
    const option = problemOf(await ctx.admin.patch(`/api/v1/custom-fields/${ids.level}`, { options: [LEVELS[0], LEVELS[2]] }), 409);
    expect(option.detail).toBe('选项「银卡」正被 2 位客户使用，不能删除');
    // An unused option can go; an unused field can change type.
    const ok = await ctx.admin.patch(`/api/v1/custom-fields/${ids.level}`, { options: LEVELS.slice(0, 2), labelEn: 'Level' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().options).toHaveLength(2);
    const fresh = (await ctx.admin.post('/api/v1/custom-fields', { key: 'spare', labelZh: '备用', labelEn: 'Spare', type: 'text' })).json();
    const changed = await ctx.admin.patch(`/api/v1/custom-fields/${fresh.id}`, { type: 'select', options: LEVELS });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ type: 'select' });
  });

  it('archiving hides the field and stops its validation, keeping the values; restore brings it back', async () => {
    expect((await ctx.admin.delete(`/api/v1/custom-fields/${ids.area}`)).statusCode).toBe(204);
    const visible = (await agent.get('/api/v1/custom-fields')).json().items as { key: string }[];
    expect(visible.map((f) => f.key)).not.toContain('area');
    const all = (await ctx.admin.get('/api/v1/custom-fields?includeArchived=true')).json().items as { key: string; active: boolean }[];
    expect(all.find((f) => f.key === 'area')).toMatchObject({ active: false });
    // No longer required; a value for it is refused as unknown; old values stay.
    const c = await ctx.newCustomer({ name: '归档后客户', custom: { level: 'gold' } });
    expect(c.custom).toEqual({ level: 'gold' });
    expect(problemOf(await ctx.admin.post('/api/v1/customers', { name: 'x', custom: { area: 1 } }), 400).errors[0]!.field).toBe('custom.area');
    const wang = (await ctx.admin.get('/api/v1/customers?q=王供暖')).json().items[0];
    expect(wang.custom.area).toBe(88.5);
    const upd = await ctx.admin.patch(`/api/v1/customers/${wang.id}`, { version: wang.version, custom: { vip: false } });
    expect(upd.json().custom).toMatchObject({ area: 88.5, vip: false });
    const header = (await ctx.admin.get('/api/v1/customers/export.csv')).body.split('\r\n')[0]!;
    expect(header).not.toContain('供暖面积');
    const restored = await ctx.admin.post(`/api/v1/custom-fields/${ids.area}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ key: 'area', active: true });
    expect(problemOf(await ctx.admin.post(`/api/v1/custom-fields/${ids.area}/restore`), 409).code).toBe('conflict');
  });
});
