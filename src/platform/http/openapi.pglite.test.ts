/**
 * The OpenAPI document (/api/docs/json) describes what every route answers, so a typed client can be generated from
 * it (issue #13): (a) every route under /api/v1 declares a 2xx response schema; (b) openapi-typescript turns the
 * document into types that openapi-fetch calls typecheck against — and a deliberately wrong use of a response does not. The document does not depend on the database (PGlite only).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.js';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }>; description?: string }> };
type Document = { openapi: string; paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>> };

/** A 2xx answer is described: a body schema, or a documented empty answer (204). */
function describesSuccess(op: Operation): boolean {
  return Object.entries(op.responses ?? {}).some(
    ([code, res]) => /^2\d\d$/.test(code) && (Object.values(res.content ?? {}).some((c) => !!c.schema) || (code === '204' && !res.content)),
  );
}

let t: TestContext;
let doc: Document;

beforeAll(async () => {
  t = await createTestContext({ setup: false });
  const res = await t.anon.get('/api/docs/json');
  expect(res.statusCode).toBe(200);
  doc = res.json() as Document;
});
afterAll(() => t?.close());

describe('OpenAPI document', () => {
  it('declares a 2xx response schema on every /api/v1 route', () => {
    const missing: string[] = [];
    const described: string[] = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      if (!p.startsWith('/api/v1/')) continue;
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        (describesSuccess(op) ? described : missing).push(`${m.toUpperCase()} ${p}`);
      }
    }
    expect(described.length).toBeGreaterThan(50);
    expect(missing, 'routes without a 2xx response schema').toEqual([]);
  });

  it('documents files by their media type and empty answers without content', () => {
    expect(Object.keys(doc.paths['/api/v1/customers/export.csv']!.get!.responses!['200']!.content!)).toEqual(['text/csv']);
    expect(Object.keys(doc.paths['/api/v1/imports/{id}/report.xlsx']!.get!.responses!['200']!.content!)).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
    const deleted = doc.paths['/api/v1/customers/{id}']!.delete!.responses!['204']!;
    expect(deleted.content).toBeUndefined();
  });

  it('generates a typed client: openapi-fetch calls typecheck, a wrong use of a response does not', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-openapi-'));
    try {
      writeFileSync(path.join(dir, 'api.d.ts'), astToString(await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0])));
      const prelude = [
        "import createClient from 'openapi-fetch';",
        "import type { paths } from './api';",
        "const client = createClient<paths>({ baseUrl: 'http://localhost:3000' });",
        'export async function calls(): Promise<void> {',
      ];
      writeFileSync(
        path.join(dir, 'good.ts'),
        [
          ...prelude,
          "  const me = await client.GET('/api/v1/auth/me');",
          '  if (me.data) {',
          "    const scope: 'own' | 'team' | 'all' = me.data.scope;",
          '    const name: string | undefined = me.data.user?.displayName;',
          '    const currency: string = me.data.company.currency;',
          '    void [scope, name, currency];',
          '  }',
          "  const page = await client.GET('/api/v1/customers', { params: { query: { q: '张', limit: 20 } } });",
          '  const first: string | undefined = page.data?.items[0]?.name;',
          '  const total: number | null | undefined = page.data?.total;',
          "  const created = await client.POST('/api/v1/customers', { body: { kind: 'person', name: '张三', phones: ['13800138000'] } });",
          '  const version: number | undefined = created.data?.version;',
          "  const tx = await client.GET('/api/v1/customers/{id}/transactions', { params: { path: { id: 'x' }, query: {} } });",
          '  const amount: number | undefined = tx.data?.items[0]?.amountFen;',
          "  const removed = await client.DELETE('/api/v1/customers/{id}', { params: { path: { id: 'x' } }, body: { version: 1 } });",
          '  const status: number = removed.response.status;',
          "  const job = await client.GET('/api/v1/imports/{id}', { params: { path: { id: 'x' } } });",
          "  const progress: number | undefined = job.data?.progress;",
          "  const ticket = await client.GET('/api/v1/tickets/{id}', { params: { path: { id: 'x' } } });",
          "  const sla: 'on_track' | 'warning' | 'breached' | 'met' | 'paused' | undefined = ticket.data?.sla?.state;",
          "  const run = await client.GET('/api/v1/analytics/runs/{id}', { params: { path: { id: 'x' } } });",
          '  const window: number | undefined = run.data?.settings.rfmWindowDays;',
          '  void [first, total, version, amount, status, progress, sla, window];',
          '}',
        ].join('\n'),
      );
      writeFileSync(
        path.join(dir, 'wrong.ts'),
        [
          ...prelude,
          "  const one = await client.GET('/api/v1/customers/{id}', { params: { path: { id: 'x' } } });",
          '  if (one.data) {',
          '    const name: number = one.data.name; // WRONG: a customer\'s name is a string',
          '    void name;',
          '  }',
          '}',
        ].join('\n'),
      );
      const diagnostics = (file: string) => {
        const options: ts.CompilerOptions = {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
          types: [],
          skipLibCheck: true,
          // The temp directory has no node_modules: openapi-fetch resolves to the project's.
          paths: { 'openapi-fetch': [path.join(path.dirname(createRequire(import.meta.url).resolve('openapi-fetch/package.json')), 'dist', 'index.d.mts')] },
        };
        const program = ts.createProgram([path.join(dir, file)], options);
        return ts.getPreEmitDiagnostics(program).map((d) => ({
          file: d.file ? path.basename(d.file.fileName) : null,
          line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : null,
          code: d.code,
          message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        }));
      };
      expect(diagnostics('good.ts')).toEqual([]);
      const wrong = diagnostics('wrong.ts');
      expect(wrong).toHaveLength(1);
      expect(wrong[0]).toMatchObject({ file: 'wrong.ts', line: prelude.length + 3, code: 2322 });
      expect(wrong[0]!.message).toMatch(/'string'.*'number'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
