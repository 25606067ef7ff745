/**
 * The company template's custom fields (templates.ts): first-run setup with the heating template makes 供暖面积(㎡)
 * (`heated_area`, a number), audited; a blank setup makes none. (That the heating demo finds this field rather than
 * making a second one: demo.test.ts, 'loads in the background through the API'.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';

type Field = { id: string; key: string; labelZh: string; labelEn: string; type: string; options: unknown[]; required: boolean; active: boolean };

describe('company templates: custom fields made at setup', () => {
  let heating: TestContext;
  let blank: TestContext;
  beforeAll(async () => {
    [heating, blank] = await Promise.all([createTestContext(), createTestContext({ template: 'blank' })]);
  });
  afterAll(async () => {
    await Promise.all([heating?.close(), blank?.close()]);
  });

  it('a heating setup has 供暖面积(㎡) (heated_area, number), made by the setup and audited; a customer can fill it', async () => {
    const fields = ok<{ items: Field[] }>(await heating.admin.get('/api/v1/custom-fields?includeArchived=true')).items;
    expect(fields).toEqual([
      expect.objectContaining({ key: 'heated_area', labelZh: '供暖面积(㎡)', labelEn: 'Heated area (m²)', type: 'number', options: [], required: false, active: true }),
    ]);
    const audit = ok<{ items: { action: string; entityId: string; changes: Record<string, unknown> }[] }>(
      await heating.admin.get('/api/v1/audit?entityType=custom_field'),
    ).items;
    expect(audit).toEqual([expect.objectContaining({ action: 'create', entityId: fields[0]!.id, changes: expect.objectContaining({ key: 'heated_area', type: 'number' }) })]);
    const c = await heating.newCustomer({ name: '面积住户', custom: { heated_area: 86.5 } });
    expect(c.custom).toEqual({ heated_area: 86.5 });
    expect(ok(await heating.admin.get('/api/v1/settings'))).toMatchObject({ template: 'heating' });
  });

  it('a blank setup has no custom field', async () => {
    expect(ok(await blank.admin.get('/api/v1/settings'))).toMatchObject({ template: 'blank' });
    expect(ok<{ items: Field[] }>(await blank.admin.get('/api/v1/custom-fields?includeArchived=true')).items).toEqual([]);
    expect(ok<{ items: unknown[] }>(await blank.admin.get('/api/v1/audit?entityType=custom_field')).items).toEqual([]);
  });
});
