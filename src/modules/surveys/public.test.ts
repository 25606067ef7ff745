/**
 * The public survey page (/s/v/<token>) through HTTP with WeChat's user agent: an invitation answered to the end
 * one question per screen (stored answers, headline score, the invitation opened then responded), resume after a
 * partial, the NPS template's branching, every question type's renderer, the SERVQUAL template's screens under
 * 50 KB, output escaping, bad input (each answers a clear page in zh-CN and English and writes nothing), one
 * response per invitation (a second submit is 409; 20 concurrent final submits store one), the rate limit.
 */
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { signingSecret } from '../messages/index.js';
import { surveyInvitations } from './schema.js';
import type { SurveyView } from './surveys.contract.js';
import { signToken } from './token.js';

const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 12; V2118A Build/SP1A.210812.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 ' +
  'XWEB/4317 MMWEBSDK/20220903 Mobile Safari/537.36 MMWEBID/6170 MicroMessenger/8.0.28.2240(0x28001C57) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

let ipSeq = 0;
/** A respondent: one phone (its own client address, so tests do not share a rate limit), WeChat's browser. */
function respondent(ctx: TestContext, lang?: string, ua = lang?.startsWith('en') ? WECHAT_UA.replace('Language/zh_CN', 'Language/en') : WECHAT_UA) {
  const ip = `10.9.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;
  const headers = (extra: Record<string, string> = {}) => ({ 'user-agent': ua, ...(lang ? { 'accept-language': lang } : {}), ...extra });
  return {
    get: (url: string) => ctx.app.inject({ method: 'GET', url, headers: headers(), remoteAddress: ip }),
    post: (url: string, form: Record<string, string | string[]> | string, extra: Record<string, string> = {}) => {
      const body = typeof form === 'string' ? form : new URLSearchParams(Object.entries(form).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]))).toString();
      const opts: InjectOptions = { method: 'POST', url, payload: body, headers: headers({ 'content-type': 'application/x-www-form-urlencoded', ...extra }), remoteAddress: ip };
      return ctx.app.inject(opts);
    },
  };
}

const CUSTOM = {
  title: { zh: '全题型问卷', en: 'Every question type' },
  intro: { zh: '开场白', en: 'Hello' },
  thanks: { zh: '多谢！', en: 'Many thanks!' },
  questions: [
    { id: 'n', type: 'nps', text: { zh: '推荐？', en: 'Recommend?' }, required: true },
    { id: 'c', type: 'csat', text: { zh: '满意？', en: 'Satisfied?' }, required: true },
    { id: 'e', type: 'ces', text: { zh: '省心？', en: 'Easy?' }, required: false },
    { id: 'r', type: 'rating', max: 4, text: { zh: '打分', en: 'Rate' }, required: false },
    { id: 's', type: 'single', text: { zh: '单选', en: 'Pick one' }, required: true, options: [{ value: 'a', text: { zh: '甲', en: 'A' } }, { value: 'b', text: { zh: '乙', en: 'B' } }] },
    { id: 'm', type: 'multiple', text: { zh: '多选', en: 'Pick some' }, required: false, options: [{ value: 'x', text: { zh: '子', en: 'X' } }, { value: 'y', text: { zh: '丑', en: 'Y' } }, { value: 'z', text: { zh: '寅', en: 'Z' } }] },
    { id: 't', type: 'text', text: { zh: '意见', en: 'Comments' }, required: false, maxLength: 20 },
    { id: 'x', type: 'matrix', text: { zh: '矩阵', en: 'Matrix' }, required: true, rows: [{ id: 'r1', text: { zh: '行一', en: 'Row 1' } }, { id: 'r2', text: { zh: '行二', en: 'Row 2' } }], scale: { min: 1, max: 5 } },
    { id: 'q', type: 'servqual', text: { zh: '服务质量', en: 'Quality' }, required: true, items: [{ id: 'i1', dimension: 'reliability', text: { zh: '准时', en: 'On time' } }, { id: 'i2', dimension: 'empathy', text: { zh: '贴心', en: 'Caring' } }] },
  ],
};

describe('the public survey page', () => {
  let ctx: TestContext;
  let marketer: Client;
  let secret: Buffer;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await ctx.database.db.execute(text));

  const survey = async (body: Record<string, unknown>): Promise<SurveyView> => {
    const s = ok<SurveyView>(await marketer.post('/api/v1/surveys', body), 201);
    return ok<SurveyView>(await marketer.post(`/api/v1/surveys/${s.id}/activate`, { version: s.version }));
  };
  /** An invitation inserted directly (the distribution API is another part of the issue); its link's path. */
  const invite = async (s: SurveyView, over: Partial<typeof surveyInvitations.$inferInsert> = {}) => {
    const [row] = await ctx.database.db
      .insert(surveyInvitations)
      .values({ surveyId: s.id, versionId: s.currentVersionId, channel: 'sms', source: 'customer', status: 'sent', expiresAt: new Date(Date.now() + 7 * 86_400_000), ...over })
      .returning();
    return { id: row!.id, url: `/s/v/${signToken(secret, row!.id)}` };
  };
  const response = async (invitationId: string) =>
    (await q<{ status: string; answers: Record<string, unknown>; nps: number | null; csat: number | null; ces: number | null; completed_at: string | null; customer_id: string | null }>(
      sql`select status, answers, nps, csat, ces, completed_at, customer_id from survey_responses where invitation_id = ${invitationId}`,
    ))[0];
  const invitation = async (id: string) => (await q<{ status: string; opened_at: string | null; responded_at: string | null }>(sql`select status, opened_at, responded_at from survey_invitations where id = ${id}`))[0]!;
  /** Everything a refused request must leave as it was. */
  const snapshot = async () =>
    q(sql`select (select count(*)::int from survey_responses) as n,
      (select coalesce(string_agg(id::text || status || answers::text || updated_at::text, ',' order by id), '') from survey_responses) as responses,
      (select coalesce(string_agg(id::text || status || coalesce(opened_at::text, ''), ',' order by id), '') from survey_invitations) as invitations`);

  beforeAll(async () => {
    ctx = await createTestContext();
    marketer = await ctx.newUser({ role: 'marketer', username: 'pub.marketer' });
    secret = await signingSecret(ctx.database.db);
  });
  afterAll(async () => ctx?.close());

  it('answers the NPS survey to the end in WeChat: progress, back link, opened → responded, headline score', async () => {
    const s = await survey({ templateKey: 'relational_nps' });
    const customer = await ctx.newCustomer({ kind: 'person', name: '王五', phones: ['13900001111'] });
    const inv = await invite(s, { customerId: customer.id as string });
    const me = respondent(ctx);
    const first = await me.get(inv.url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body).toContain('第 1 / 2 题');
    expect(first.body).toContain('您有多大可能向亲友推荐我们的供热服务？');
    expect(first.body).not.toContain('<script');
    for (let v = 0; v <= 10; v++) expect(first.body).toContain(`<input type="radio" name="v" value="${v}">`);
    expect(await invitation(inv.id)).toMatchObject({ status: 'opened', opened_at: expect.anything() });
    expect(await response(inv.id)).toBeUndefined();

    const step1 = await me.post(inv.url, { _q: 'recommend', _p: '0', v: '9', _go: 'next' });
    expect(step1.statusCode).toBe(303);
    expect(step1.headers.location).toBe(`${inv.url}?q=valued`);
    expect(await response(inv.id)).toMatchObject({ status: 'partial', answers: { recommend: 9 }, completed_at: null });
    const second = await me.get(step1.headers.location!);
    expect(second.body).toContain('第 2 / 2 题');
    expect(second.body).toContain(`href="${inv.url}?q=recommend"`);
    expect(second.body).toContain('maxlength="500"');

    const evil = '<script>alert("x")</script> 很好 & "安心"';
    const step2 = await me.post(inv.url, { _q: 'valued', _p: '0', v: evil, _go: 'next' });
    expect(step2.headers.location).toBe(`${inv.url}?step=submit`);
    // The stored text is shown escaped, never as markup.
    const again = await me.get(`${inv.url}?q=valued`);
    expect(again.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 很好 &amp; &quot;安心&quot;');
    expect(again.body).not.toMatch(/<script/i);
    const review = await me.get(step2.headers.location!);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('name="_go" value="submit"');

    const done = await me.post(inv.url, { _go: 'submit' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${inv.url}?done=1`);
    const thanks = await me.get(done.headers.location!);
    expect(thanks.statusCode).toBe(200);
    expect(thanks.body).toContain('感谢您的反馈，我们会认真改进！');
    const stored = await response(inv.id);
    expect(stored).toMatchObject({ status: 'complete', answers: { recommend: 9, valued: evil }, nps: 9, csat: null, ces: null, customer_id: customer.id });
    expect(stored!.completed_at).not.toBeNull();
    expect(await invitation(inv.id)).toMatchObject({ status: 'responded', responded_at: expect.anything() });
    // The free-text answer is customer voice: an item in the feedback inbox, linked to the response.
    const inbox = ok<{ items: { source: string; sourceRef: string; text: string; customer: { id: string } | null }[] }>(await ctx.admin.get(`/api/v1/feedback?customerId=${customer.id}`)).items;
    expect(inbox).toEqual([expect.objectContaining({ source: 'survey', text: evil, customer: expect.objectContaining({ id: customer.id }) })]);
    expect(inbox[0]!.sourceRef).toMatch(/^survey-response:/);

    // A second submission: a clear page and 409, in both languages; nothing changes.
    const before = await snapshot();
    const twice = await me.post(inv.url, { _go: 'submit' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('您已提交过本问卷，感谢参与');
    const twiceEn = await respondent(ctx, 'en').post(inv.url, { _q: 'recommend', v: '3', _go: 'next' });
    expect(twiceEn.statusCode).toBe(409);
    expect(twiceEn.body).toContain('You have already submitted this survey');
    expect((await me.get(inv.url)).body).toContain('您已提交过本问卷，感谢参与');
    expect(await snapshot()).toEqual(before);
  });

  it('resumes at the first unanswered question and follows the NPS branching (≤ 6 → the dislike question)', async () => {
    const s = await survey({ templateKey: 'relational_nps' });
    const inv = await invite(s);
    const me = respondent(ctx);
    const low = await me.post(inv.url, { _q: 'recommend', v: '3' });
    expect(low.headers.location).toBe(`${inv.url}?q=dislike`);
    // Reopening the link continues where the respondent left off.
    const resumed = await me.get(inv.url);
    expect(resumed.body).toContain('哪些方面让您不满意？');
    expect(resumed.body).toContain('第 2 / 2 题');
    // The question off the path is refused; the one on it is taken.
    const off = await me.post(inv.url, { _q: 'valued', v: '很好' });
    expect(off.statusCode).toBe(422);
    expect(off.body).toContain('按前面的回答，这道题无需作答');
    expect((await me.post(inv.url, { _q: 'dislike', v: '暖气不热' })).headers.location).toBe(`${inv.url}?step=submit`);
    expect((await response(inv.id))!.answers).toEqual({ recommend: 3, dislike: '暖气不热' });
    // Going back and changing the score takes the other branch and drops the answer now off the path.
    expect((await me.post(inv.url, { _q: 'recommend', v: '10' })).headers.location).toBe(`${inv.url}?q=valued`);
    expect((await response(inv.id))!.answers).toEqual({ recommend: 10 });
    // The score is kept when the page is shown again.
    expect((await me.get(`${inv.url}?q=recommend`)).body).toContain('value="10" checked');
    expect((await me.post(inv.url, { _go: 'submit' })).statusCode).toBe(303);
    expect(await response(inv.id)).toMatchObject({ status: 'complete', nps: 10, answers: { recommend: 10 } });
  });

  it('lets an optional question stay empty: the next step is the submit screen, and a reopened link goes on past it', async () => {
    const s = await survey({ templateKey: 'relational_nps' });
    const inv = await invite(s);
    const me = respondent(ctx);
    expect((await me.post(inv.url, { _q: 'recommend', v: '9' })).headers.location).toBe(`${inv.url}?q=valued`);
    // The last question is optional: left empty, it leads to the submit screen, which shows (no loop back to it).
    const skipped = await me.post(inv.url, { _q: 'valued', v: '' });
    expect(skipped.headers.location).toBe(`${inv.url}?step=submit`);
    const review = await me.get(skipped.headers.location!);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('name="_go" value="submit"');
    expect((await me.post(inv.url, { _go: 'submit' })).headers.location).toBe(`${inv.url}?done=1`);
    expect(await response(inv.id)).toMatchObject({ status: 'complete', nps: 9, answers: { recommend: 9 } });
  });

  it('renders and stores every question type, in English when asked', async () => {
    const s = await survey({ name: '全题型', definition: CUSTOM });
    const inv = await invite(s);
    const me = respondent(ctx, 'en-US,en;q=0.9');
    const steps: [string, Record<string, string | string[]>, string][] = [
      ['n', { v: '0' }, 'Recommend?'],
      ['c', { v: '5' }, 'Satisfied?'],
      ['e', { v: '7' }, 'Easy?'],
      ['r', { v: '4' }, 'Rate'],
      ['s', { v: 'b' }, 'Pick one'],
      ['m', { v: ['x', 'z'] }, 'Pick some'],
      ['t', { v: '  fine  ' }, 'Comments'],
      ['x', { 'r.r1': '1', 'r.r2': '5' }, 'Row 2'],
      ['q', { 'e.i1': '7', 'p.i1': '5', 'e.i2': '6', 'p.i2': '6' }, 'Caring'],
    ];
    for (const [i, [id, form, text]] of steps.entries()) {
      const page = await me.get(i === 0 ? inv.url : `${inv.url}?q=${id}`);
      expect(page.statusCode, id).toBe(200);
      expect(page.body).toContain(text);
      expect(page.body).toContain(`Question ${i + 1} of 9`);
      const res = await me.post(inv.url, { _q: id, ...form });
      expect(res.statusCode, `${id}: ${res.body.slice(0, 200)}`).toBe(303);
    }
    expect((await me.get(`${inv.url}?q=q`)).body).toContain('Expect');
    expect((await me.post(inv.url, { _go: 'submit' })).statusCode).toBe(303);
    expect((await me.get(`${inv.url}?done=1`)).body).toContain('Many thanks!');
    expect(await response(inv.id)).toMatchObject({
      status: 'complete',
      nps: 0,
      csat: 5,
      ces: 7,
      answers: { n: 0, c: 5, e: 7, r: 4, s: 'b', m: ['x', 'z'], t: 'fine', x: { r1: 1, r2: 5 }, q: { i1: { e: 7, p: 5 }, i2: { e: 6, p: 6 } } },
    });
    // ?lang= wins over the browser; a survey without English stays Chinese.
    const other = await invite(s);
    expect((await respondent(ctx).get(`${other.url}?lang=en`)).body).toContain('Question 1 of 9');
    // In WeChat the language chosen in WeChat (its user agent's Language/…) wins over the phone's Accept-Language.
    expect((await respondent(ctx, 'zh-CN', WECHAT_UA.replace('Language/zh_CN', 'Language/en')).get(other.url)).body).toContain('Question 1 of 9');
    expect((await respondent(ctx, 'en', WECHAT_UA).get(other.url)).body).toContain('第 1 / 9 题');
    const zhOnly = await survey({ name: '仅中文', definition: { title: { zh: '仅中文问卷' }, questions: [{ id: 'a', type: 'csat', text: { zh: '满意吗？' }, required: true }] } });
    expect((await respondent(ctx, 'en').get((await invite(zhOnly)).url)).body).toContain('第 1 / 1 题');
  });

  it('refuses bad input with the question again and its message (zh-CN and English), writing nothing', async () => {
    const s = await survey({ name: '坏输入', definition: CUSTOM });
    const inv = await invite(s);
    const me = respondent(ctx);
    const en = respondent(ctx, 'en');
    expect((await me.post(inv.url, { _q: 'n', v: '8' })).statusCode).toBe(303);
    expect((await me.post(inv.url, { _q: 'c', v: '4' })).statusCode).toBe(303);
    const before = await snapshot();
    const cases: [string, Record<string, string | string[]>, number, string, string][] = [
      ['wrong type', { _q: 'e', v: 'abc' }, 422, '答案格式不正确', 'The answer is not in the expected form'],
      ['two values for one score', { _q: 'e', v: ['1', '2'] }, 422, '答案格式不正确', 'The answer is not in the expected form'],
      ['score out of range', { _q: 'n', v: '11' }, 422, '超出允许范围（0–10）', 'Out of the allowed range (0–10)'],
      ['negative score', { _q: 'c', v: '-1' }, 422, '超出允许范围（1–5）', 'Out of the allowed range (1–5)'],
      ['required left empty', { _q: 'c', v: '' }, 422, '此题为必答题', 'This question needs an answer'],
      ['unknown option', { _q: 's', v: 'zzz' }, 422, '所选选项不存在', 'The chosen option does not exist'],
      ['unknown multiple option', { _q: 'm', v: ['x', 'nope'] }, 422, '所选选项不存在', 'The chosen option does not exist'],
      ['text over maxLength', { _q: 't', v: '长'.repeat(21) }, 422, '回答过长（最多 20 字）', 'The answer is too long (at most 20 characters)'],
      ['matrix row missing', { _q: 'x', 'r.r1': '3' }, 422, '此题为必答题', 'This question needs an answer'],
      ['matrix out of range', { _q: 'x', 'r.r1': '3', 'r.r2': '6' }, 422, '超出允许范围（1–5）', 'Out of the allowed range (1–5)'],
      ['servqual half missing', { _q: 'q', 'e.i1': '3', 'e.i2': '3', 'p.i2': '3' }, 422, '此题为必答题', 'This question needs an answer'],
      ['servqual out of range', { _q: 'q', 'e.i1': '8', 'p.i1': '3', 'e.i2': '3', 'p.i2': '3' }, 422, '超出允许范围（1–7）', 'Out of the allowed range (1–7)'],
      ['unknown question', { _q: 'nope', v: '1' }, 400, '请求无法处理', 'The request could not be handled'],
      ['submit before the end', { _go: 'submit' }, 422, '此题为必答题', 'This question needs an answer'],
    ];
    for (const [name, form, status, zh, english] of cases) {
      const res = await me.post(inv.url, form);
      expect(res.statusCode, name).toBe(status);
      expect(res.headers['content-type'], name).toBe('text/html; charset=utf-8');
      expect(res.body, name).toContain(zh);
      const resEn = await en.post(inv.url, form);
      expect(resEn.statusCode, name).toBe(status);
      expect(resEn.body, name).toContain(english);
    }
    // The refused screen is shown again with what was typed, escaped.
    const typed = await me.post(inv.url, { _q: 't', v: '<script>x</script>'.repeat(3) });
    expect(typed.statusCode).toBe(422);
    expect(typed.body).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(typed.body).not.toMatch(/<script/i);
    // A body over 64 KB: 413 before it is read; another content type: 415.
    const huge = await me.post(inv.url, `_q=t&v=${'a'.repeat(70_000)}`);
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('提交的内容过多');
    expect((await en.post(inv.url, `_q=t&v=${'a'.repeat(70_000)}`)).body).toContain('Too much was sent');
    const json = await me.post(inv.url, JSON.stringify({ _q: 'e', v: 3 }), { 'content-type': 'application/json' });
    expect(json.statusCode).toBe(415);
    expect(json.body).toContain('请求无法处理');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses forged, mangled, expired and withdrawn links and closed surveys with their pages, writing nothing', async () => {
    const s = await survey({ templateKey: 'ticket_csat' });
    const good = await invite(s);
    const expired = await invite(s, { expiresAt: new Date(Date.now() - 1000) });
    const withdrawn = await invite(s, { status: 'withdrawn' });
    const token = good.url.slice('/s/v/'.length);
    const mangled = `/s/v/${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    const forged = `/s/v/${signToken(Buffer.alloc(32, 7), good.id)}`;
    const asQr = `/s/v/${signToken(secret, good.id, 'qr')}`;
    const closedSurvey = await survey({ templateKey: 'ticket_csat' });
    const closed = await invite(closedSurvey);
    ok(await marketer.post(`/api/v1/surveys/${closedSurvey.id}/close`, { version: closedSurvey.version }));
    const before = await snapshot();
    const cases: [string, string, number, string, string][] = [
      ['mangled', mangled, 404, '链接无效', 'This link is not valid'],
      ['forged', forged, 404, '链接无效', 'This link is not valid'],
      ['signed for a QR code', asQr, 404, '链接无效', 'This link is not valid'],
      ['garbage', '/s/v/not-a-token', 404, '链接无效', 'This link is not valid'],
      ['expired', expired.url, 410, '链接已过期', 'This link has expired'],
      ['withdrawn', withdrawn.url, 410, '该邀请已撤回', 'This invitation was withdrawn'],
      ['closed survey', closed.url, 410, '调查已结束', 'This survey has ended'],
    ];
    for (const [name, url, status, zh, english] of cases) {
      for (const [lang, text] of [['zh-CN', zh], ['en', english]] as const) {
        const who = respondent(ctx, lang);
        const get = await who.get(url);
        expect(get.statusCode, `${name} GET ${lang}`).toBe(status);
        expect(get.body, name).toContain(text);
        const post = await who.post(url, { _q: 'satisfaction', v: '5' });
        expect(post.statusCode, `${name} POST ${lang}`).toBe(status);
        expect(post.body, name).toContain(text);
        const submit = await who.post(url, { _go: 'submit' });
        expect(submit.statusCode, `${name} submit ${lang}`).toBe(status);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('stores exactly one complete response when the final step is submitted 20 times at once', async () => {
    const s = await survey({ templateKey: 'repair_ces' });
    const inv = await invite(s);
    const me = respondent(ctx);
    expect((await me.post(inv.url, { _q: 'effort', v: '6' })).statusCode).toBe(303);
    expect((await me.post(inv.url, { _q: 'improve', v: '上门快一点' })).statusCode).toBe(303);
    const results = await Promise.all(Array.from({ length: 20 }, () => me.post(inv.url, { _go: 'submit' })));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 303)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    const rows = await q<{ status: string; ces: number }>(sql`select status, ces from survey_responses where invitation_id = ${inv.id}`);
    expect(rows).toEqual([{ status: 'complete', ces: 6 }]);
    // Even the very first answer given 20 times at once makes one response row.
    const fresh = await invite(s);
    const firsts = await Promise.all(Array.from({ length: 20 }, (_, i) => me.post(fresh.url, { _q: 'effort', v: String((i % 7) + 1) })));
    expect(firsts.every((r) => r.statusCode === 303)).toBe(true);
    expect(await q(sql`select status from survey_responses where invitation_id = ${fresh.id}`)).toEqual([{ status: 'partial' }]);
  });

  it('keeps every SERVQUAL screen under 50 KB and splits the 22 items by dimension', async () => {
    const s = await survey({ templateKey: 'heating_servqual' });
    const inv = await invite(s);
    const me = respondent(ctx);
    let largest = 0;
    let url = inv.url;
    const seen: string[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const page = await me.get(url);
      expect(page.statusCode).toBe(200);
      largest = Math.max(largest, Buffer.byteLength(page.body));
      if (page.body.includes('value="submit"')) break;
      const qid = /name="_q" value="([^"]+)"/.exec(page.body)![1]!;
      const part = /name="_p" value="(\d+)"/.exec(page.body)![1]!;
      seen.push(`${qid}.${part}`);
      const form: Record<string, string> = { _q: qid, _p: part };
      for (const [, name] of page.body.matchAll(/name="([ep]\.i\d+)" value="1"/g)) form[name!] = name!.startsWith('e') ? '7' : '5';
      if (qid === 'comment') form.v = '希望室温再高一点';
      const res = await me.post(inv.url, form);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
      url = res.headers.location!;
    }
    expect(seen).toEqual(['servqual.0', 'servqual.1', 'servqual.2', 'servqual.3', 'servqual.4', 'comment.0']);
    expect(largest).toBeLessThan(50 * 1024);
    expect((await me.post(inv.url, { _go: 'submit' })).statusCode).toBe(303);
    const stored = await response(inv.id);
    expect(Object.keys(stored!.answers.servqual as object)).toHaveLength(22);
    expect(stored!.status).toBe('complete');
  });

  it('rate-limits the page per client address with a page of its own', async () => {
    const me = respondent(ctx);
    let last = await me.post('/s/v/not-a-token', { _q: 'x' });
    for (let i = 0; i < 60 && last.statusCode !== 429; i++) last = await me.post('/s/v/not-a-token', { _q: 'x' });
    expect(last.statusCode).toBe(429);
    expect(last.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(last.body).toContain('操作太频繁');
    // Another address is not affected.
    expect((await respondent(ctx).post('/s/v/not-a-token', { _q: 'x' })).statusCode).toBe(404);
  });
});
