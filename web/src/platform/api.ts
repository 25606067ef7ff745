/**
 * The HTTP client every module uses: JSON in and out, the session's CSRF token on every write, the UI language in
 * Accept-Language (so server messages come back in it), and problem+json errors as ApiError.
 *
 * Every POST carries an `Idempotency-Key` (docs/ARCHITECTURE.md, "Idempotent requests"): one per call — one per
 * user action — and the same one when the call retries by itself after a lost connection, a 503 or a 409 "still in
 * progress", so the server creates the record once and answers the retry with the first answer. Two identical POSTs
 * in flight at once (a double click that got past the button) share one request, one key and one answer.
 */
import { uuid } from './uuid';

export type FieldError = { field: string; message: string };

export type Problem = {
  type?: string;
  title: string;
  detail: string;
  code: string;
  status: number;
  errors: FieldError[];
};

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
}

let csrfToken: string | null = null;
let acceptLanguage = 'zh-CN';
const sessionLostListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function setApiLanguage(lang: string): void {
  acceptLanguage = lang;
}
/** Called when a request that needed a session is refused with 401 (the session expired or was ended elsewhere). */
export function onSessionLost(listener: () => void): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * `file`: a file sent as the request body itself (uploads), instead of a JSON `body`. `idempotencyKey`: the key of a
 * POST (a fresh one when left out).
 */
type Options = { query?: Query; body?: unknown; file?: Blob; signal?: AbortSignal; raw?: boolean; idempotencyKey?: string };

/** A fresh idempotency key (a v4 UUID). */
export const newIdempotencyKey = (): string => uuid();

/** How often a POST is sent again by itself (same key) when the answer was lost or the server said "try again". */
const POST_RETRIES = 2;
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('Aborted', 'AbortError'));
    });
  });

/** Identical POSTs in flight: path + body → the one request they share. */
const inflight = new Map<string, { body: string | Blob | undefined; promise: Promise<unknown> }[]>();

async function toApiError(res: Response): Promise<ApiError> {
  let body: Partial<Problem> = {};
  try {
    body = (await res.json()) as Partial<Problem>;
  } catch {
    // not JSON: fall back to the status line
  }
  return new ApiError({
    type: body.type,
    title: body.title ?? res.statusText,
    detail: body.detail ?? body.title ?? `HTTP ${res.status}`,
    code: body.code ?? String(res.status),
    status: body.status ?? res.status,
    errors: Array.isArray(body.errors) ? body.errors : [],
  });
}

export async function request(method: string, path: string, opts: Options & { raw: true }): Promise<Response>;
export async function request<T>(method: string, path: string, opts?: Options): Promise<T>;
export async function request<T>(method: string, path: string, opts: Options = {}): Promise<T | Response> {
  let body: string | Blob | undefined;
  let contentType: string | null = null;
  if (opts.file) {
    contentType = opts.file.type || 'application/octet-stream';
    body = opts.file;
  } else if (opts.body !== undefined) {
    contentType = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'POST' || opts.raw || opts.signal) return send<T>(method, path, opts, body, contentType);
  // A POST identical to one in flight (same path, same body) is the same action: it shares that request.
  const url = withQuery(path, opts.query);
  const same = inflight.get(url) ?? [];
  const twin = same.find((x) => x.body === body);
  if (twin) return twin.promise as Promise<T>;
  const promise = send<T>(method, path, opts, body, contentType);
  const entry = { body, promise };
  inflight.set(url, [...same, entry]);
  const forget = () => {
    const left = (inflight.get(url) ?? []).filter((x) => x !== entry);
    if (left.length) inflight.set(url, left);
    else inflight.delete(url);
  };
  promise.then(forget, forget);
  return promise;
}

async function send<T>(method: string, path: string, opts: Options, body: string | Blob | undefined, contentType: string | null): Promise<T | Response> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': acceptLanguage };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (contentType) headers['content-type'] = contentType;
  // One key per call: a retry below sends the same one, so the server creates the record once.
  if (method === 'POST') headers['idempotency-key'] = opts.idempotencyKey ?? newIdempotencyKey();
  let res: Response;
  for (let attempt = 0; ; attempt++) {
    const retriable = method === 'POST' && attempt < POST_RETRIES;
    try {
      res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      if (retriable) {
        await sleep(500 * (attempt + 1), opts.signal);
        continue;
      }
      throw new ApiError({ title: 'network', detail: acceptLanguage === 'en' ? 'Cannot reach the server' : '无法连接服务器', code: 'network', status: 0, errors: [] });
    }
    // The server asks to come back (the database is away, or the same request is still running): once or twice.
    if (retriable && (res.status === 503 || (res.status === 409 && res.headers.has('retry-after')))) {
      const after = Number(res.headers.get('retry-after'));
      await sleep(Math.min(Number.isFinite(after) && after > 0 ? after * 1000 : 1000, 5000), opts.signal);
      continue;
    }
    break;
  }
  if (!res.ok) {
    const error = await toApiError(res);
    const isAuthCall = path.startsWith('/api/v1/auth/login') || path.startsWith('/api/v1/auth/me') || path.startsWith('/api/v1/setup');
    if (error.status === 401 && !isAuthCall) sessionLostListeners.forEach((l) => l());
    throw error;
  }
  if (opts.raw) return res;
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  /** `idempotencyKey`: to reuse one key across calls that are the same action (a form sent again after a reload). */
  post: <T>(path: string, body?: unknown, idempotencyKey?: string) => request<T>('POST', path, { body: body ?? {}, idempotencyKey }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, { body }),
  /** POSTs a file as the raw request body (the server streams it; no multipart). */
  upload: <T>(path: string, query: Query, file: Blob) => request<T>('POST', path, { query, file }),
};

/** Downloads a file from a GET endpoint (sent with the UI language, so column names match it). */
export async function download(path: string, query: Query, fallbackName: string): Promise<void> {
  const res = await request('GET', path, { query, raw: true });
  const disposition = res.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1]; // RFC 6266, for names that are not ASCII
  const name = (encoded ? decodeURIComponent(encoded) : /filename="?([^";]+)"?/.exec(disposition)?.[1]) ?? fallbackName;
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.problem.detail || err.problem.title;
  if (err instanceof Error) return err.message;
  return String(err);
}
