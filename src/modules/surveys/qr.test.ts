/**
 * QR codes of a survey: create / list / delete with permissions, the SVG and the PNG decode (jsQR) to the survey's
 * link, an anonymous response through the code is stored with qr_code_id, a self-identifying code matches the phone
 * with a customer (an unknown number is still answered anonymously), a deleted code's link is invalid.
 */
import { sql } from 'drizzle-orm';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { SurveyQrCodeView } from './qr.js';
import type { SurveyView } from './surveys.contract.js';

// jsqr is a CommonJS module whose typings declare an ES default export: at run time the import is the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

let ipSeq = 0;
/** A phone with its own client address (the public routes are rate-limited per address), posting plain forms. */
function respondent(ctx: TestContext) {
  const remoteAddress = `10.8.0.${++ipSeq}`;
  const headers = { 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0.50' };
  return {
    get: (url: string) => ctx.app.inject({ method: 'GET', url, headers, remoteAddress }),
    post: (url: string, form: Record<string, string>) =>
      ctx.app.inject({ method: 'POST', url, payload: new URLSearchParams(form).toString(), headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress }),
  };
}

/** Draws qrcode's SVG (one path of `M x y.5 h n m dx dy` runs, one unit per module) into RGBA pixels for jsQR. */
function rasteriseSvg(svg: string, scale = 8): { data: Uint8ClampedArray; size: number } {
  const units = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1]);
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!;
  const size = units * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  let x = 0;
  let y = 0;
  for (const [, cmd, args] of d.matchAll(/([MmHhVv])([^MmHhVv]*)/g)) {
    const n = args!.trim().split(/[\s,]+/).map(Number);
    if (cmd === 'M') [x, y] = [n[0]!, n[1]!];
    else if (cmd === 'm') [x, y] = [x + n[0]!, y + n[1]!];
    else if (cmd === 'h') {
      const row = Math.floor(y);
      for (let px = x * scale; px < (x + n[0]!) * scale; px++) {
        for (let py = row * scale; py < (row + 1) * scale; py++) data.fill(0, (py * size + px) * 4, (py * size + px) * 4 + 3);
      }
      x += n[0]!;
    } else throw new Error(`unexpected SVG command ${cmd}`);
  }
  return { data, size };
}

describe('survey QR codes', () => {
  let ctx: TestContext;
  let marketer: Client;
  let viewer: Client;
  let s: SurveyView;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await ctx.database.db.execute(text));
  const pathOf = (url: string) => new URL(url).pathname;

  beforeAll(async () => {
    ctx = await createTestContext();
    marketer = await ctx.newUser({ role: 'marketer', username: 'qr.marketer' });
    viewer = await ctx.newUser({ role: 'viewer', username: 'qr.viewer' });
    const created = ok<SurveyView>(await marketer.post('/api/v1/surveys', { templateKey: 'ticket_csat', settings: { anonymousAllowed: true } }), 201);
    s = ok<SurveyView>(await marketer.post(`/api/v1/surveys/${created.id}/activate`, { version: created.version }));
  });
  afterAll(async () => ctx?.close());

  it('creates, lists and deletes codes with survey:manage / survey:read; a keyed repeat creates one', async () => {
    const body = { label: '3 号楼大堂', place: 'building', placeValue: '幸福小区 3 号楼' };
    expect(problemOf(await viewer.post(`/api/v1/surveys/${s.id}/qr-codes`, body), 403).code).toBe('forbidden');
    const key = { 'idempotency-key': 'qr-create-1' };
    const code = ok<SurveyQrCodeView>(await marketer.post(`/api/v1/surveys/${s.id}/qr-codes`, body, key), 201);
    const repeat = await marketer.post(`/api/v1/surveys/${s.id}/qr-codes`, body, key);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(code).toMatchObject({ label: '3 号楼大堂', place: 'building', placeValue: '幸福小区 3 号楼', identify: 'anonymous', responseCount: 0 });
    expect(code.url).toMatch(/^https?:\/\/[^/]+\/s\/q\/[\w-]{22}\.[\w-]{22}$/);
    const list = ok<{ items: SurveyQrCodeView[] }>(await viewer.get(`/api/v1/surveys/${s.id}/qr-codes`));
    expect(list.items.map((x) => x.id)).toEqual([code.id]);
    expect(problemOf(await marketer.post(`/api/v1/surveys/${s.id}/qr-codes`, { label: '', place: 'moon' }), 400).errors.length).toBeGreaterThan(0);
    expect(problemOf(await viewer.delete(`/api/v1/surveys/${s.id}/qr-codes/${code.id}`), 403).code).toBe('forbidden');
    expect((await marketer.delete(`/api/v1/surveys/${s.id}/qr-codes/${code.id}`)).statusCode).toBe(204);
    expect(ok<{ items: SurveyQrCodeView[] }>(await viewer.get(`/api/v1/surveys/${s.id}/qr-codes`)).items).toEqual([]);
    // A deleted code's link and image are gone.
    const page = await respondent(ctx).get(pathOf(code.url));
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('链接无效');
    expect((await viewer.get(`/api/v1/surveys/${s.id}/qr-codes/${code.id}.png`)).statusCode).toBe(404);
    expect(await q(sql`select count(*)::int as n from audit_log where entity_type = 'survey_qr_code'`)).toEqual([{ n: 2 }]);
  });

  it('draws SVG and PNG images that decode to the survey link', async () => {
    const code = ok<SurveyQrCodeView>(await marketer.post(`/api/v1/surveys/${s.id}/qr-codes`, { label: '营业厅', place: 'hall' }), 201);
    const svg = await viewer.get(`/api/v1/surveys/${s.id}/qr-codes/${code.id}.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const raster = rasteriseSvg(svg.body);
    expect(jsQR(raster.data, raster.size, raster.size)?.data).toBe(code.url);
    const png = await viewer.get(`/api/v1/surveys/${s.id}/qr-codes/${code.id}.png`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const image = PNG.sync.read(png.rawPayload);
    expect(image.width).toBe(1024);
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(code.url);
    expect((await ctx.anon.get(`/api/v1/surveys/${s.id}/qr-codes/${code.id}.svg`)).statusCode).toBe(401);
  });

  it('stores an anonymous response with qr_code_id through the same one-question-per-screen page', async () => {
    const code = ok<SurveyQrCodeView>(await marketer.post(`/api/v1/surveys/${s.id}/qr-codes`, { label: '小区门口', place: 'compound', placeValue: '幸福小区' }), 201);
    const me = respondent(ctx);
    const start = await me.get(pathOf(code.url));
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('服务满意度回访');
    expect(start.body).not.toContain('name="phone"');
    // Viewing the code writes nothing; starting makes the response.
    expect(await q(sql`select count(*)::int as n from survey_responses where qr_code_id = ${code.id}`)).toEqual([{ n: 0 }]);
    const started = await me.post(pathOf(code.url), { _go: 'start' });
    expect(started.statusCode).toBe(303);
    const base = started.headers.location!;
    expect(base).toMatch(new RegExp(`^${pathOf(code.url)}/[\\w-]{22}\\.[\\w-]{22}$`));
    expect((await me.get(base)).body).toContain('第 1 / 2 题');
    expect((await me.post(base, { _q: 'satisfaction', v: '2' })).headers.location).toBe(`${base}?q=suggestion`);
    expect((await me.post(base, { _q: 'suggestion', v: '等太久了' })).headers.location).toBe(`${base}?step=submit`);
    expect((await me.post(base, { _go: 'submit' })).statusCode).toBe(303);
    expect((await me.post(base, { _go: 'submit' })).statusCode).toBe(409);
    const rows = await q<Record<string, unknown>>(sql`select status, customer_id, invitation_id, channel, csat, answers from survey_responses where qr_code_id = ${code.id}`);
    expect(rows).toEqual([{ status: 'complete', customer_id: null, invitation_id: null, channel: 'qr', csat: 2, answers: { satisfaction: 2, suggestion: '等太久了' } }]);
    expect(ok<{ items: SurveyQrCodeView[] }>(await viewer.get(`/api/v1/surveys/${s.id}/qr-codes`)).items.find((x) => x.id === code.id)?.responseCount).toBe(1);
    // A tampered response key is an invalid link.
    const tampered = `${base.slice(0, -3)}${base.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await me.get(tampered)).statusCode).toBe(404);
  });

  it('asks a self-identifying respondent the phone: a known number names the customer, an unknown one stays anonymous', async () => {
    const customer = await ctx.newCustomer({ kind: 'person', name: '赵六', phones: ['13700002222'] });
    const code = ok<SurveyQrCodeView>(await marketer.post(`/api/v1/surveys/${s.id}/qr-codes`, { label: '营业厅前台', place: 'hall', identify: 'self' }), 201);
    const me = respondent(ctx);
    expect((await me.get(pathOf(code.url))).body).toContain('name="phone"');
    const before = await q(sql`select count(*)::int as n from survey_responses`);
    const bad = await me.post(pathOf(code.url), { phone: '12345' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('手机号码格式不正确');
    expect(await q(sql`select count(*)::int as n from survey_responses`)).toEqual(before);
    const known = await me.post(pathOf(code.url), { phone: '137 0000 2222' });
    expect(known.statusCode).toBe(303);
    const unknown = await me.post(pathOf(code.url), { phone: '13600009999' });
    const empty = await me.post(pathOf(code.url), { phone: '' });
    expect([unknown.statusCode, empty.statusCode]).toEqual([303, 303]);
    const rows = await q<{ customer_id: string | null }>(sql`select customer_id from survey_responses where qr_code_id = ${code.id} order by started_at, id`);
    expect(rows.map((r) => r.customer_id).sort()).toEqual([customer.id, null, null].sort());
  });
});
