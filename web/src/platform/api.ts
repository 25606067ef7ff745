/**
 * The HTTP client every module uses: JSON in and out, the session's CSRF token on every write, the UI language in
 * Accept-Language (so server messages come back in it), and problem+json errors as ApiError.
 */

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

/** `file`: a file sent as the request body itself (uploads), instead of a JSON `body`. */
type Options = { query?: Query; body?: unknown; file?: Blob; signal?: AbortSignal; raw?: boolean };

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
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': acceptLanguage };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: string | Blob | undefined;
  if (opts.file) {
    headers['content-type'] = opts.file.type || 'application/octet-stream';
    body = opts.file;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({ title: 'network', detail: acceptLanguage === 'en' ? 'Cannot reach the server' : '无法连接服务器', code: 'network', status: 0, errors: [] });
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
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
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
