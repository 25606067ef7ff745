/**
 * Response schemas. Every route declares what it answers (`schema.response`), so `/api/docs/json` describes
 * responses and a typed client can be generated from it. The schemas are zod, written beside each module's routes
 * (`*.schemas.ts`), and each is tied at compile time to the module's `*.contract.ts` type — the contract stays the
 * web app's source, and a schema that drifts from it does not compile:
 *
 *   export const customerView = responseOf<CustomerView>()(z.object({ … }));
 *
 * At run time the serializer is plain `JSON.stringify`. Under the test runner (or with `HEARTH_CHECK_RESPONSES=1`;
 * `=0` turns it off, to time a test without it)
 * each response is also checked against its schema: a value the schema refuses, or a key it does not describe (zod
 * would silently drop it), fails the request with a 500 whose message names the route and the path — so the
 * integration suite proves the documentation true without costing production a parse per response.
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { ResponseSerializationError } from 'fastify-type-provider-zod';

/** Whether responses are checked against their schemas: as HEARTH_CHECK_RESPONSES says (1/true, 0/false), else under Vitest. */
const checkSetting = String(process.env.HEARTH_CHECK_RESPONSES ?? '').toLowerCase();
export const CHECK_RESPONSES = ['1', 'true'].includes(checkSetting) || (!['0', 'false'].includes(checkSetting) && !!process.env.VITEST);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `responseOf<ContractType>()(schema)`: the schema, accepted only when what it parses to is exactly the contract
 * type (neither wider nor narrower).
 */
export function responseOf<T>() {
  return <S extends z.ZodType>(schema: S & (Same<z.output<S>, T> extends true ? unknown : { __schemaDoesNotMatchContract: T })): S => schema;
}

/**
 * A response with no body (204): `reply.code(204).send()`. `z.undefined()` lets `send()` take no argument, and is
 * documented as a response without content. (Not `z.null()`: `send(null)` would serialise a `null` payload that
 * the onSend hooks — the Idempotency-Key store among them — then see and keep, where `send()` has none.)
 */
export const noContent = z.undefined().describe('No content');

const fileBody = (description: string) =>
  z.custom<Readable | Buffer | string>(() => true).meta({ type: 'string', format: 'binary', description });

/**
 * A body that is not JSON (a file, a CSV, a redirect): documented as a binary string, never serialised by the schema
 * (Fastify sends streams and buffers as they are), and typed so that `reply.send(stream)` compiles. With its media
 * type (`fileResponse('…', 'text/csv')`) the document names it instead of JSON, and a generated client reads text.
 */
export function fileResponse(description: string): ReturnType<typeof fileBody>;
export function fileResponse<M extends string>(
  description: string,
  mediaType: M,
): { description: string; content: { [K in M]: { schema: ReturnType<typeof fileBody> } } };
export function fileResponse(description: string, mediaType?: string) {
  const schema = fileBody(description);
  return mediaType ? { description, content: { [mediaType]: { schema } } } : schema;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

/** The first path where two JSON values differ, for the error message. */
function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (a === b) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return path;
}

function isZod(schema: unknown): schema is z.ZodType {
  return schema instanceof z.ZodType;
}

/** Fastify's serializer compiler for zod response schemas (see the file comment). */
export function responseSerializerCompiler({ schema, method, url }: { schema: unknown; method: string; url: string }): (data: unknown) => string {
  const zodSchema = isZod(schema) ? schema : schema && typeof schema === 'object' && isZod((schema as { properties?: unknown }).properties) ? (schema as { properties: z.ZodType }).properties : null;
  return (data: unknown) => {
    const text = JSON.stringify(data);
    if (!CHECK_RESPONSES || !zodSchema) return text;
    if (text === undefined && zodSchema.safeParse(undefined).success) return text; // an empty body, as declared
    const plain: unknown = text === undefined ? null : JSON.parse(text);
    const result = zodSchema.safeParse(plain);
    if (!result.success) throw new ResponseSerializationError(method, url, { cause: result.error });
    const undescribed = firstDifference(canonical(plain), canonical(JSON.parse(JSON.stringify(result.data ?? null))));
    if (undescribed) {
      throw new Error(`Response doesn't match the schema of ${method} ${url}: the schema does not describe ${undescribed} (it would be dropped or changed)`);
    }
    return text;
  };
}

/** `{ items: [...] }`, the shape of every unpaged list. */
export const itemsOf = <S extends z.ZodType>(item: S) => z.object({ items: z.array(item) });

const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page');

/**
 * `{ items, nextCursor }`, the shape of every paged list (keyset: the request's `cursor` is the last answer's
 * `nextCursor`, see platform/http/cursor.ts). A list that also counts adds `total` with `pageWithTotalOf`.
 */
export const pageOf = <S extends z.ZodType>(item: S) => z.object({ items: z.array(item), nextCursor });

/** `{ items, nextCursor, total }`: a paged list with the number of items matching its filters. */
export const pageWithTotalOf = <S extends z.ZodType>(item: S) =>
  z.object({ items: z.array(item), nextCursor, total: z.number().int().describe('Items matching the filters, on every page') });

/** The media type of an Excel workbook (.xlsx). */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
