/**
 * Surveys (满意度调查) through HTTP: created from each shipped template and from a definition; a bad definition is a
 * 400 naming the path, in zh-CN and English, and writes nothing; editing a definition nobody answered keeps version 1,
 * editing one with a response makes version 2 while the response stays on version 1; optimistic versions; activate /
 * close; keyset pages with filters and the total; the trash (delete, restore); audit entries; permissions.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { SURVEY_TEMPLATE_KEYS, type SurveyPage, type SurveyTemplateList, type SurveyVersionList, type SurveyView } from './surveys.contract.js';
import { insertResponse } from './surveys.repository.js';

const definition = (over: Record<string, unknown> = {}) => ({
  title: { zh: '供暖服务满意度', en: 'Heating service satisfaction' },
  questions: [
    { id: 'score', type: 'csat', text: { zh: '您对本次服务满意吗？', en: 'How satisfied are you with the service?' }, required: true },
    { id: 'why', type: 'text', text: { zh: '请说说原因', en: 'Why?' }, required: false },
  ],
  ...over,
});

describe('surveys', () => {
  let ctx: TestContext;
  let marketer: Client;
  let viewer: Client;

  const q = <T>(text: ReturnType<typeof sql>) => ctx.database.db.execute(text).then((r) => rowsOf<T>(r));
  const count = async (table: string) => (await q<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;
  const create = async (body: Record<string, unknown>, as: Client = marketer) => ok<SurveyView>(await as.post('/api/v1/surveys', body), 201);

  beforeAll(async () => {
    ctx = await createTestContext();
    marketer = await ctx.newUser({ role: 'marketer', username: 'svy.marketer' });
    viewer = await ctx.newUser({ role: 'viewer', username: 'svy.viewer' });
  });
  afterAll(async () => ctx?.close());

  it('lists the shipped templates and creates a survey from each', async () => {
    const templates = ok<SurveyTemplateList>(await marketer.get('/api/v1/surveys/templates'));
    expect(templates.items.map((t) => t.key).sort()).toEqual([...SURVEY_TEMPLATE_KEYS].sort());
    for (const t of templates.items) {
      expect(t.questionCount).toBeGreaterThan(0);
      const s = await create({ templateKey: t.key });
      expect(s).toMatchObject({ name: t.name, kind: t.kind, templateKey: t.key, status: 'draft', definitionVersion: 1, responseCount: 0, version: 1 });
      expect(s.definition).toEqual(t.definition);
      expect(s.settings).toEqual({ expiryDays: expect.any(Number), maxReminders: expect.any(Number), reminderAfterDays: expect.any(Number), fatigueDays: expect.any(Number), anonymousAllowed: expect.any(Boolean) });
      expect(s.owner?.id).toBe(marketer.userId);
    }
    const kinds = Object.fromEntries(templates.items.map((t) => [t.key, t.kind]));
    expect(kinds).toEqual({ ticket_csat: 'csat', relational_nps: 'nps', heating_servqual: 'servqual', repair_ces: 'ces' });
    const en = ok<SurveyTemplateList>(await marketer.lang('en').get('/api/v1/surveys/templates'));
    expect(en.items.map((t) => t.key)).toEqual(templates.items.map((t) => t.key));
    // The SERVQUAL template asks 22 items.
    const servqual = templates.items.find((t) => t.key === 'heating_servqual')!;
    const items = (servqual.definition as { questions: { type: string; items?: unknown[] }[] }).questions.flatMap((x) => (x.type === 'servqual' ? (x.items ?? []) : []));
    expect(items).toHaveLength(22);
  });

  it('creates from a definition with settings; defaults fill the rest', async () => {
    const s = await create({ name: '冬季供暖回访', definition: definition(), settings: { expiryDays: 7, anonymousAllowed: true } });
    expect(s).toMatchObject({ name: '冬季供暖回访', kind: 'custom', templateKey: null, definitionVersion: 1 });
    expect(s.settings).toEqual({ expiryDays: 7, maxReminders: 2, reminderAfterDays: 3, fatigueDays: 90, anonymousAllowed: true });
    const named = await create({ definition: definition(), kind: 'csat' });
    expect(named).toMatchObject({ name: '供暖服务满意度', kind: 'csat' });
  });

  it('refuses a bad definition naming the path, in zh-CN and English, and writes nothing', async () => {
    const before = [await count('surveys'), await count('survey_versions')];
    const bad = definition({
      questions: [
        ...definition().questions,
        { id: 'channel', type: 'single', text: { zh: '您从哪里得知？' }, required: false, options: [{ value: 'sms', text: { zh: '短信' } }] },
      ],
    });
    const zh = problemOf(await marketer.post('/api/v1/surveys', { name: '坏问卷', definition: bad }), 400);
    expect(zh.errors).toHaveLength(1);
    expect(zh.errors[0]!.field).toBe('definition.questions.2.options');
    expect(zh.errors[0]!.message).toBe('「题目 #3 options」至少 2 项');
    const en = problemOf(await marketer.lang('en').post('/api/v1/surveys', { name: 'Bad', definition: bad }), 400);
    expect(en.errors[0]).toEqual({ field: 'definition.questions.2.options', message: '"Question #3 options" must have at least 2 items' });
    // A cross-field check (definition.ts): a branch to a question that does not exist.
    const branch = definition({
      questions: [
        { id: 'score', type: 'csat', text: { zh: '满意吗？' }, required: true, branches: [{ when: { op: 'gte', value: 4 }, goTo: 'nowhere' }] },
        { id: 'why', type: 'text', text: { zh: '原因' }, required: false },
      ],
    });
    const target = problemOf(await marketer.post('/api/v1/surveys', { definition: branch }), 400);
    expect(target.errors[0]).toEqual({ field: 'definition.questions.0.branches.0.goTo', message: '「题目 #1 branches #1 goTo」：跳转目标「nowhere」不存在' });
    const targetEn = problemOf(await marketer.lang('en').post('/api/v1/surveys', { definition: branch }), 400);
    expect(targetEn.errors[0]!.message).toContain('there is no question "nowhere" to go to');
    // Neither a template nor a definition, or both; an unknown template key.
    expect(problemOf(await marketer.post('/api/v1/surveys', { name: '空' }), 400).errors[0]!.field).toBe('definition');
    expect(problemOf(await marketer.post('/api/v1/surveys', { templateKey: 'relational_nps', definition: definition() }), 400).errors[0]!.field).toBe('definition');
    expect(problemOf(await marketer.post('/api/v1/surveys', { templateKey: 'nope' }), 400).errors[0]!.field).toBe('templateKey');
    // A bad edit names the same path.
    const s = await create({ definition: definition() });
    const edit = problemOf(await marketer.patch(`/api/v1/surveys/${s.id}`, { definition: bad, version: s.version }), 400);
    expect(edit.errors[0]!.field).toBe('definition.questions.2.options');
    expect([await count('surveys'), await count('survey_versions')]).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  it('edits a definition nobody answered in place (version 1); with a response it makes version 2', async () => {
    const s = await create({ name: '版本测试', definition: definition() });
    const v1 = s.currentVersionId;
    // Nobody answered: the same version changes.
    const changed = definition({ title: { zh: '供暖服务满意度（修订）' } });
    const e1 = ok<SurveyView>(await marketer.patch(`/api/v1/surveys/${s.id}`, { definition: changed, version: s.version }));
    expect(e1).toMatchObject({ definitionVersion: 1, currentVersionId: v1, version: s.version + 1 });
    expect(e1.definition).toMatchObject({ title: { zh: '供暖服务满意度（修订）' } });
    expect(ok<SurveyVersionList>(await marketer.get(`/api/v1/surveys/${s.id}/versions`)).items).toHaveLength(1);
    // A stale version is refused.
    const stale = problemOf(await marketer.patch(`/api/v1/surveys/${s.id}`, { name: '旧', version: s.version }), 409);
    expect(stale.errors[0]!.field).toBe('version');

    // One response (as the public page would store it), on version 1.
    const response = await ctx.database.db.transaction((tx) =>
      insertResponse(tx, { surveyId: s.id, versionId: v1, status: 'complete', answers: { score: 5 }, csat: 5, channel: 'link', completedAt: new Date() }),
    );
    const e2 = ok<SurveyView>(await marketer.patch(`/api/v1/surveys/${s.id}`, { definition: definition({ title: { zh: '第二版' } }), version: e1.version }));
    expect(e2.definitionVersion).toBe(2);
    expect(e2.currentVersionId).not.toBe(v1);
    expect(e2.responseCount).toBe(1);
    expect(e2.definition).toMatchObject({ title: { zh: '第二版' } });
    const [stored] = await q<{ version_id: string }>(sql`select version_id from survey_responses where id = ${response.id}`);
    expect(stored!.version_id).toBe(v1);
    const versions = ok<SurveyVersionList>(await marketer.get(`/api/v1/surveys/${s.id}/versions`)).items;
    expect(versions.map((v) => [v.version, v.responseCount, v.current])).toEqual([
      [2, 0, true],
      [1, 1, false],
    ]);
    expect(versions[1]!.definition).toMatchObject({ title: { zh: '供暖服务满意度（修订）' } });
    // Version 2 has no response yet: the next edit changes it in place.
    const e3 = ok<SurveyView>(await marketer.patch(`/api/v1/surveys/${s.id}`, { definition: definition({ title: { zh: '第二版（修订）' } }), version: e2.version }));
    expect([e3.definitionVersion, e3.currentVersionId]).toEqual([2, e2.currentVersionId]);
    // Name and settings alone leave the definition be; settings merge key by key.
    const e4 = ok<SurveyView>(await marketer.patch(`/api/v1/surveys/${s.id}`, { name: '版本测试（改名）', settings: { maxReminders: 0 }, version: e3.version }));
    expect(e4).toMatchObject({ name: '版本测试（改名）', definitionVersion: 2, settings: { maxReminders: 0, expiryDays: 14 } });
    // One response per invitation is the database's rule, not only the service's.
    const [inv] = await q<{ id: string }>(sql`insert into survey_invitations (survey_id, version_id, channel, source, expires_at)
      values (${s.id}, ${e3.currentVersionId}, 'sms', 'customer', now() + interval '14 days') returning id`);
    const answer = { surveyId: s.id, versionId: e3.currentVersionId, invitationId: inv!.id, channel: 'sms' as const, answers: {} };
    await ctx.database.db.transaction((tx) => insertResponse(tx, answer));
    await expect(ctx.database.db.transaction((tx) => insertResponse(tx, answer))).rejects.toThrow();
    expect((await q<{ n: number }>(sql`select count(*)::int as n from survey_responses where invitation_id = ${inv!.id}`))[0]!.n).toBe(1);
    // Sending back the definition as shown (jsonb orders keys its own way) is no change: no new version.
    const shown = ok<SurveyView>(await marketer.get(`/api/v1/surveys/${s.id}`));
    const same = ok<SurveyView>(await marketer.patch(`/api/v1/surveys/${s.id}`, { definition: shown.definition, version: shown.version }));
    expect([same.definitionVersion, same.currentVersionId]).toEqual([2, e3.currentVersionId]);
  });

  it('activates and closes with the row version, and audits each change', async () => {
    const s = await create({ templateKey: 'ticket_csat' });
    problemOf(await marketer.post(`/api/v1/surveys/${s.id}/close`, { version: s.version }), 409);
    const active = ok<SurveyView>(await marketer.post(`/api/v1/surveys/${s.id}/activate`, { version: s.version }));
    expect(active.status).toBe('active');
    problemOf(await marketer.post(`/api/v1/surveys/${s.id}/activate`, { version: s.version }), 409);
    const refused = problemOf(await marketer.lang('en').delete(`/api/v1/surveys/${s.id}`), 409);
    expect(refused.detail).toContain('close it first');
    const closed = ok<SurveyView>(await marketer.post(`/api/v1/surveys/${s.id}/close`, { version: active.version }));
    expect(closed.status).toBe('closed');
    const again = ok<SurveyView>(await marketer.post(`/api/v1/surveys/${s.id}/activate`, { version: closed.version }));
    expect(again.status).toBe('active');
    ok(await marketer.patch(`/api/v1/surveys/${s.id}`, { name: '工单满意度（改）', version: again.version }));
    const audit = ok<{ items: { action: string }[] }>(await ctx.admin.get(`/api/v1/audit?entityType=survey&entityId=${s.id}`));
    expect(audit.items.map((a) => a.action).sort()).toEqual(['activate', 'activate', 'close', 'create', 'update']);
  });

  it('pages the list by keyset with filters and the total', async () => {
    const tag = `分页${Math.random().toString(36).slice(2, 6)}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await create({ name: `${tag} ${i}`, definition: definition(), kind: i % 2 ? 'nps' : 'csat' })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/surveys?q=${encodeURIComponent(tag)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: SurveyPage = ok<SurveyPage>(await marketer.get(url));
      expect(page.total).toBe(5);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());
    const csat = ok<SurveyPage>(await marketer.get(`/api/v1/surveys?q=${encodeURIComponent(tag)}&kind=csat`));
    expect([csat.items.length, csat.total]).toEqual([3, 3]);
    const all = ok<SurveyPage>(await marketer.get('/api/v1/surveys?status=draft&limit=100'));
    expect(all.items.every((x) => x.status === 'draft')).toBe(true);
    expect(problemOf(await marketer.get('/api/v1/surveys?cursor=bogus'), 400).errors[0]!.field).toBe('cursor');
  });

  it('moves a survey to the trash and restores it', async () => {
    const s = await create({ name: '回收站测试', definition: definition() });
    expect((await marketer.delete(`/api/v1/surveys/${s.id}`)).statusCode).toBe(204);
    const live = ok<SurveyPage>(await marketer.get('/api/v1/surveys?q=回收站测试'));
    expect(live.items).toHaveLength(0);
    const trash = ok<SurveyPage>(await marketer.get('/api/v1/surveys?q=回收站测试&deleted=only'));
    expect(trash.items.map((x) => x.id)).toEqual([s.id]);
    expect(trash.items[0]!.deletedAt).not.toBeNull();
    const shown = ok<SurveyView>(await marketer.get(`/api/v1/surveys/${s.id}`));
    expect(shown.deletedAt).not.toBeNull();
    problemOf(await marketer.patch(`/api/v1/surveys/${s.id}`, { name: 'x', version: shown.version }), 409);
    problemOf(await marketer.delete(`/api/v1/surveys/${s.id}`), 409);
    const restored = ok<SurveyView>(await marketer.post(`/api/v1/surveys/${s.id}/restore`));
    expect(restored.deletedAt).toBeNull();
    problemOf(await marketer.post(`/api/v1/surveys/${s.id}/restore`), 409);
    expect(ok<SurveyPage>(await marketer.get('/api/v1/surveys?q=回收站测试')).items).toHaveLength(1);
    problemOf(await marketer.get('/api/v1/surveys/00000000-0000-4000-8000-000000000001'), 404);
  });

  it('refuses changes to a role without survey:manage (a viewer reads)', async () => {
    const s = await create({ definition: definition() });
    ok(await viewer.get('/api/v1/surveys'));
    ok(await viewer.get(`/api/v1/surveys/${s.id}`));
    ok(await viewer.get('/api/v1/surveys/templates'));
    problemOf(await viewer.post('/api/v1/surveys', { templateKey: 'relational_nps' }), 403);
    problemOf(await viewer.patch(`/api/v1/surveys/${s.id}`, { name: 'x', version: s.version }), 403);
    problemOf(await viewer.post(`/api/v1/surveys/${s.id}/activate`, { version: s.version }), 403);
    problemOf(await viewer.delete(`/api/v1/surveys/${s.id}`), 403);
    problemOf(await viewer.post(`/api/v1/surveys/${s.id}/restore`), 403);
    // A role with neither (an administrator takes survey:read away from viewers).
    ok(await ctx.admin.patch('/api/v1/roles/viewer', { permissions: ['customer:read', 'user:read'] }));
    problemOf(await viewer.get('/api/v1/surveys'), 403);
  });
});
