import { lang, t } from './i18n';
import { uuid } from '../platform/uuid';

export type FieldError = { field: string; message: string };

/** A refused request: the server's problem+json (in the page's language), or status 0 when the server was not reached. */
export class Problem extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

type Options = { body?: unknown; file?: Blob; query?: Record<string, string | undefined>; idempotencyKey?: string };

export async function call<T>(method: 'GET' | 'POST', path: string, opts: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': lang() };
  let body: string | Blob | undefined;
  if (opts.file) {
    headers['content-type'] = opts.file.type || 'application/octet-stream';
    body = opts.file;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v) query.set(k, v);
  const qs = query.toString(); // (URLSearchParams.size is too new for older in-app browsers)
  const url = qs ? `${path}?${qs}` : path;
  let res: Response;
  try {
    // No cookies: these pages act for the household, never with a session an agent may have in the same browser
    // (which would also make the server ask for that session's CSRF token).
    res = await fetch(url, { method, headers, body, credentials: 'omit' });
  } catch {
    throw new Problem(t('pub.network'), 0);
  }
  if (!res.ok) {
    let p: { detail?: string; title?: string; errors?: FieldError[] } = {};
    try {
      p = (await res.json()) as typeof p;
    } catch {
      // not problem+json (a proxy's page): the status line says enough
    }
    throw new Problem(p.detail || p.title || `HTTP ${res.status}`, res.status, Array.isArray(p.errors) ? p.errors : []);
  }
  return (await res.json()) as T;
}

export { uuid };

/**
 * One form's submit button. While a request is pending the button is disabled (a double tap sends one request).
 * Each submit carries an `Idempotency-Key`: a new one per submit, the same one when the previous attempt got no
 * answer (network lost, 5xx) and the household taps again without changing anything, so a retry can never create a
 * second ticket or rating. `reset()` (the form was edited) starts a new one. A form that is sent once (`once`: a report, a
 * rating) stays disabled after its success, so a second tap landing after a fast answer sends nothing either.
 */
export function submitter(button: HTMLButtonElement, opts: { busyText?: string; enabled?: () => boolean; once?: boolean } = {}) {
  const { busyText, enabled, once = false } = opts;
  let key: string | null = null;
  let pending = false;
  let sent = false;
  const idleText = button.textContent;
  return {
    reset: () => {
      if (!pending) key = null;
    },
    /** A request is in flight, or a once-only form was sent: the button must stay disabled. */
    get pending() {
      return pending || sent;
    },
    async run<T>(send: (idempotencyKey: string) => Promise<T>): Promise<T | undefined> {
      if (pending || sent) return undefined;
      pending = true;
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      if (busyText) button.textContent = busyText;
      key ??= uuid();
      try {
        const result = await send(key);
        key = null;
        sent = once;
        return result;
      } catch (err) {
        if (!(err instanceof Problem) || (err.status !== 0 && err.status < 500)) key = null;
        throw err;
      } finally {
        pending = false;
        button.removeAttribute('aria-busy');
        if (busyText) button.textContent = idleText;
        button.disabled = sent || (enabled ? !enabled() : false);
      }
    },
  };
}
