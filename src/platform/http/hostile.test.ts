/**
 * Hostile input never gets a 500: deep nesting, lone UTF-16 surrogates and `null` bodies on every route that takes a
 * JSON body (walked from the OpenAPI document), and Fastify's own errors (414, 413, 415, 404, 400, 431) as
 * problem+json in the caller's language.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH, nulCharacterIssues } from './validation.js';

type Problem = { type: string; title: string; status: number; detail: string; code: string; instance: string; errors: { field: string; message: string }[] };
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  pattern?: string;
  format?: string;
};
type Operation = { method: string; path: string; url: string; schema: Schema };

const SOME_ID = '5b0c7a9e-3d1f-4c2a-9e8b-7f6a5d4c3b2a';
const LONE = 'x\ud800';
const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);

/** A 4xx application/problem+json answer (never a 5xx); returns the problem. */
function problem4xx(res: LightMyRequestResponse, what: string): Problem {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  const p = res.json() as Problem;
  expect(p.status, what).toBe(res.statusCode);
  return p;
}

function options(s: Schema): Schema[] {
  return s.anyOf ?? s.oneOf ?? s.allOf ?? [s];
}
const isType = (s: Schema, t: string) => options(s).some((o) => o.type === t || (Array.isArray(o.type) && o.type.includes(t)));
const objectOf = (s: Schema) => options(s).find((o) => o.properties);

/**
 * A lone surrogate in every string field the body schema has (top level, one object level down, and the first item of
 * arrays of strings); returns the body and the fields that must be named.
 */
function surrogateBody(schema: Schema): { body: Record<string, unknown>; fields: string[] } {
  const body: Record<string, unknown> = {};
  const fields: string[] = [];
  for (const [name, prop] of Object.entries(objectOf(schema)?.properties ?? {})) {
    if (isType(prop, 'string')) {
      body[name] = LONE;
      fields.push(name);
      continue;
    }
    const arrayOf = options(prop).find((o) => o.type === 'array')?.items;
    if (arrayOf && isType(arrayOf, 'string')) {
      body[name] = [LONE];
      fields.push(`${name}.0`);
      continue;
    }
    const inner = objectOf(prop);
    if (!inner) continue;
    const child: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(inner.properties ?? {})) {
      if (!isType(p, 'string')) continue;
      child[k] = LONE;
      fields.push(`${name}.${k}`);
    }
    if (Object.keys(child).length) body[name] = child;
  }
  return { body, fields };
}

/** A path parameter that passes its own schema, so the answer is about the body. */
function paramValue(name: string, schema: Schema): string {
  if (schema.format === 'uuid') return SOME_ID;
  if (schema.type === 'integer') return '1';
  if (name === 'tag') return 'VIP';
  if (name === 'key') return 'agent';
  if (schema.pattern?.includes('\\.')) return `${'A'.repeat(22)}.${'B'.repeat(22)}`;
  return 'A'.repeat(24);
}

let ctx: TestContext;
let ops: Operation[];
let ipSeq = 0;

/** One request as the admin (cookie + CSRF), each from its own address so per-IP rate limits never answer first. */
function send(op: { method: string; url: string }, payload: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  ipSeq++;
  const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (ctx.admin.cookie) h.cookie = ctx.admin.cookie;
  if (ctx.admin.csrf) h['x-csrf-token'] = ctx.admin.csrf;
  return ctx.app.inject({
    method: op.method as InjectOptions['method'],
    url: op.url,
    headers: h,
    payload,
    remoteAddress: `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`,
  });
}

beforeAll(async () => {
  ctx = await createTestContext();
  const doc = (await ctx.anon.get('/api/docs/json')).json() as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  };
  ops = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const schema = op.requestBody?.content['application/json']?.schema;
      if (!schema) continue;
      let url = path;
      for (const p of op.parameters ?? []) if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(paramValue(p.name, p.schema)));
      ops.push({ method: method.toUpperCase(), path, url, schema });
    }
  }
});
afterAll(async () => {
  await ctx?.close();
});

describe('every route with a JSON body', () => {
  it('finds the routes in the OpenAPI document', () => {
    expect(ops.length).toBeGreaterThan(50);
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/auth/login', 'POST /api/v1/public/tickets', 'POST /api/v1/customers', 'POST /api/v1/setup']),
    );
  });

  it('refuses JSON nested 100,000 levels deep with 400 naming the body, and writes nothing', async () => {
    const customers = await countRows(ctx.database, 'customers');
    for (const op of ops) {
      const what = `${op.method} ${op.path}`;
      const p = problem4xx(await send(op, DEEP), what);
      expect(p.status, what).toBe(400);
      expect(p.errors, what).toEqual([{ field: 'body', message: `请求体嵌套过深（最多 ${MAX_JSON_DEPTH} 层）` }]);
    }
    // Objects too, and just over the limit.
    const create = { method: 'POST', url: '/api/v1/customers' };
    const deepObject = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    expect(problem4xx(await send(create, deepObject), 'deep object').status).toBe(400);
    const justOver = `{"name":"王伟","kind":"person","notes":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    const over = problem4xx(await send(create, justOver, { 'accept-language': 'en' }), 'just over');
    expect(over.errors).toEqual([{ field: 'body', message: `The request body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)` }]);
    expect(await countRows(ctx.database, 'customers')).toBe(customers);
  });

  it('refuses a lone UTF-16 surrogate in every string field, naming each field', async () => {
    let checkedFields = 0;
    for (const op of ops) {
      const what = `${op.method} ${op.path}`;
      const { body, fields } = surrogateBody(op.schema);
      if (!fields.length) continue;
      const p = problem4xx(await send(op, JSON.stringify(body)), what);
      expect(p.status, what).toBe(400);
      expect(p.errors.map((e) => e.field).sort(), what).toEqual([...fields].sort());
      expect(p.errors[0]!.message, what).toContain('不成对的 UTF-16 代理字符');
      checkedFields += fields.length;
    }
    expect(checkedFields).toBeGreaterThan(100);
    // A lone surrogate in a key, and a low surrogate alone: refused too (the key is named escaped).
    const create = { method: 'POST', url: '/api/v1/customers' };
    const key = problem4xx(await send(create, '{"name":"王伟","kind":"person","\\udc00":1}', { 'accept-language': 'en' }), 'key');
    expect(key.errors).toEqual([{ field: '\\udc00', message: '"\\udc00" contains invalid text (an unpaired UTF-16 surrogate)' }]);
    // A complete pair (an emoji written as two escapes) is ordinary text.
    const res = await send(create, '{"name":"王伟 \\ud83d\\ude00","kind":"person"}');
    expect(res.statusCode, res.body).toBe(201);
    expect((res.json() as { name: string }).name).toBe('王伟 😀');
  });

  it('the anonymous sign-in and public ticket form refuse a surrogate before the database sees it', async () => {
    for (const [url, body, field] of [
      ['/api/v1/auth/login', { login: LONE, password: 'x' }, 'login'],
      ['/api/v1/public/tickets', { name: '张三', phone: '13800138000', description: `暖气不热${LONE}` }, 'description'],
    ] as const) {
      const res = await ctx.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body), remoteAddress: '10.99.0.1' });
      const p = problem4xx(res, url);
      expect(p.status).toBe(400);
      expect(p.errors.map((e) => e.field)).toContain(field);
    }
  });

  it('refuses a body of null (or a bare value) with 400, never reading it as "no body"', async () => {
    for (const op of ops) {
      const what = `${op.method} ${op.path}`;
      const p = problem4xx(await send(op, 'null'), what);
      expect(p.status, what).toBe(400);
      expect(p.errors, what).toEqual([{ field: 'body', message: '请求体应为 JSON 对象，不能是 null' }]);
    }
    const customer = await ctx.newCustomer({ name: '李四', kind: 'person' });
    // DELETE has no body schema: a JSON `null` is still refused, and the customer is still there.
    for (const payload of ['null', '42', '"x"', 'true']) {
      const p = problem4xx(await send({ method: 'DELETE', url: `/api/v1/customers/${customer.id}` }, payload, { 'accept-language': 'en' }), payload);
      expect(p.status).toBe(400);
      expect(p.errors[0]!.message).toMatch(/^The request body must be a JSON object, not (null|number|string|boolean)$/);
    }
    expect((await ctx.admin.get(`/api/v1/customers/${customer.id}`)).statusCode).toBe(200);
    // An array is a body (the inbound SMS callback takes one); an empty DELETE still works.
    expect((await ctx.admin.delete(`/api/v1/customers/${customer.id}`)).statusCode).toBe(204);
  });
});

describe("Fastify's own errors are problem+json in the caller's language", () => {
  const cases = [
    {
      what: '414 path parameter of 5,000 characters',
      req: { method: 'GET', url: `/api/v1/customers/${'x'.repeat(5000)}` },
      status: 414,
      code: 'uri_too_long',
      zh: '网址过长',
      en: 'The address is too long',
    },
    {
      what: '413 body over the limit',
      req: { method: 'POST', url: '/api/v1/customers', payload: `"${'C'.repeat(1_100_000)}"`, headers: { 'content-type': 'application/json' } },
      status: 413,
      code: 'payload_too_large',
      zh: '提交的数据过大（上限 1048576 字节）',
      en: 'The request body is too large (limit 1048576 bytes)',
    },
    {
      what: '415 unsupported media type',
      req: { method: 'POST', url: '/api/v1/customers', payload: '<a>1</a>', headers: { 'content-type': 'application/xml' } },
      status: 415,
      code: 'unsupported_media_type',
      zh: '不支持的内容类型，请以 application/json 提交',
      en: 'Unsupported content type; send application/json',
    },
    { what: '404 no such route', req: { method: 'GET', url: '/api/v1/no-such-thing' }, status: 404, code: 'not_found', zh: '找不到该资源', en: 'Not found' },
    { what: '404 no such method', req: { method: 'PUT', url: '/api/v1/customers' }, status: 404, code: 'not_found', zh: '找不到该资源', en: 'Not found' },
    {
      what: '400 malformed %-escape in the path',
      req: { method: 'GET', url: '/api/v1/customers/%E0%A4%A' },
      status: 400,
      code: 'bad_request',
      zh: '网址含有无效的编码',
      en: 'The address contains an invalid encoding',
    },
    {
      what: '400 malformed JSON',
      req: { method: 'POST', url: '/api/v1/customers', payload: '{"name": ', headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'validation',
      zh: '请求体不是合法的 JSON',
      en: 'The request body is not valid JSON',
    },
  ] as const;

  for (const c of cases) {
    it(c.what, async () => {
      for (const [lang, text] of [['zh-CN', c.zh], ['en', c.en]] as const) {
        const res = await ctx.app.inject({
          ...(c.req as InjectOptions),
          headers: { ...('headers' in c.req ? c.req.headers : {}), cookie: ctx.admin.cookie!, 'x-csrf-token': ctx.admin.csrf!, 'accept-language': lang },
        });
        const p = problem4xx(res, `${c.what} ${lang}`);
        expect(p.status).toBe(c.status);
        expect(p.code).toBe(c.code);
        expect(p.type).toBe(`urn:hearth:problem:${c.code}`);
        expect(p.detail).toBe(text);
      }
    });
  }

  it('414 and 404 answer the anonymous caller the same way (before any sign-in check)', async () => {
    const p = problem4xx(await ctx.anon.lang('en').get(`/api/v1/customers/${'9'.repeat(5000)}`), 'anon 414');
    expect(p.status).toBe(414);
    expect(p.title).toBe('The address is too long');
  });

  it('431 headers too large, refused by the HTTP parser itself, is problem+json in the language the raw request asked for', async () => {
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = ctx.app.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (d) => (data += d));
      socket.on('close', () => resolve(data));
      socket.on('error', (e) => (data ? resolve(data) : reject(e)));
    });
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    const p = JSON.parse(body) as Problem;
    expect(p).toMatchObject({ status: 431, code: 'headers_too_large', title: 'The request headers are too large' });
  });
});

describe('the walkers need no recursion', () => {
  it('measures depth on the raw text, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds('[[1]]', 2)).toBe(false);
    expect(jsonDepthExceeds('[[[1]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[\\"[[[[","b":[1]}', 2)).toBe(false);
    expect(jsonDepthExceeds(DEEP)).toBe(true);
  });

  it('checks the text of a value nested 100,000 levels deep without exhausting the stack', () => {
    let deep: unknown = 'x\udfff';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const issues = nulCharacterIssues(deep, 'query');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.key).toBe('validation.invalid_text');
    expect(issues[0]!.field.split('.')).toHaveLength(100_000);
    expect(nulCharacterIssues({ q: 'a\u0000b', ok: ['😀'] }, 'query')).toEqual([
      { field: 'q', key: 'validation.invalid_characters', params: { field: 'q' } },
    ]);
    expect(nulCharacterIssues('x\ud800', 'query')).toEqual([{ field: 'query', key: 'validation.invalid_text', params: { field: 'query' } }]);
  });
});
