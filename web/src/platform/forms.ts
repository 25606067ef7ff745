import { useCallback, useMemo, useRef } from 'react';
import type { FormInstance } from 'antd';
import {
  useMutation as useQueryMutation,
  type DefaultError,
  type MutateOptions,
  type QueryClient,
  type UseMutationOptions,
  type UseMutationResult,
} from '@tanstack/react-query';
import { ApiError } from './api';

type NamePath = (string | number)[];

/** `phones.0` → ['phones', 0]; `address.city` → ['address', 'city']. */
export function fieldPath(field: string): NamePath {
  return field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Puts the server's field errors (problem+json `errors[].field`) onto the form's fields. Returns the messages that
 * belong to no field on the form, for a banner.
 */
export function applyServerErrors(form: FormInstance, err: unknown, alias: Record<string, string> | ((field: string) => string) = {}): string[] {
  const rename = typeof alias === 'function' ? alias : (f: string) => alias[f] ?? f;
  if (!(err instanceof ApiError)) return [err instanceof Error ? err.message : String(err)];
  const registered = new Set(form.getFieldsError().map((f) => f.name.join('.')));
  const leftover: string[] = [];
  const fields: { name: NamePath; errors: string[] }[] = [];
  for (const e of err.problem.errors) {
    const name = fieldPath(rename(e.field));
    if (registered.has(name.join('.'))) {
      const existing = fields.find((f) => f.name.join('.') === name.join('.'));
      if (existing) existing.errors.push(e.message);
      else fields.push({ name, errors: [e.message] });
    } else {
      leftover.push(e.message);
    }
  }
  if (fields.length) {
    form.setFields(fields);
    form.scrollToField(fields[0]!.name, { block: 'center' });
  }
  if (!err.problem.errors.length) leftover.push(err.problem.detail);
  return leftover;
}

/** Blobs and files are told apart by identity: two different photos are two uploads, the same one is one. */
const blobIds = new WeakMap<Blob, number>();
let nextBlobId = 0;

function variablesKey(variables: unknown): string | null {
  try {
    return (
      JSON.stringify(variables, (_k, v: unknown) => {
        if (typeof Blob !== 'undefined' && v instanceof Blob) {
          if (!blobIds.has(v)) blobIds.set(v, ++nextBlobId);
          return `blob#${blobIds.get(v)}`;
        }
        return v;
      }) ?? 'undefined'
    );
  } catch {
    return null; // not serialisable: never folded
  }
}

/** A call identical to the one that just succeeded, this soon after, is the second click of the same action. */
const SETTLE_MS = 1000;

/**
 * react-query's `useMutation` with one rule more, for every form and button that writes: a call whose variables
 * equal those of a call still running (the second click of a double click, Enter and 保存 together), or of the call
 * that succeeded less than a second ago with nothing in between, is not sent again — `mutate` ignores it,
 * `mutateAsync` returns the first call's promise — so its effects (a toast, a reset, a navigation) happen once. The
 * request itself carries an Idempotency-Key (api.ts), so even a repeat that gets past this creates nothing twice.
 * Buttons still show `loading={m.isPending}` (antd then ignores clicks).
 */
export function useMutation<TData = unknown, TError = DefaultError, TVariables = void, TContext = unknown>(
  options: UseMutationOptions<TData, TError, TVariables, TContext>,
  queryClient?: QueryClient,
): UseMutationResult<TData, TError, TVariables, TContext> {
  const m = useQueryMutation(options, queryClient);
  const running = useRef(new Map<string, Promise<TData>>());
  const last = useRef<{ key: string; at: number; promise: Promise<TData> } | null>(null);
  const base = m.mutateAsync;
  const pending = useCallback((key: string | null): Promise<TData> | undefined => {
    if (key === null) return undefined;
    const same = running.current.get(key);
    if (same) return same;
    const done = last.current;
    if (done && done.key === key && Date.now() - done.at < SETTLE_MS) return done.promise;
    return undefined;
  }, []);
  const mutateAsync = useCallback(
    (variables: TVariables, opts?: MutateOptions<TData, TError, TVariables, TContext>): Promise<TData> => {
      const key = variablesKey(variables);
      const same = pending(key);
      if (same) return same;
      last.current = null;
      const promise = base(variables, opts);
      if (key !== null) {
        running.current.set(key, promise);
        const forget = () => {
          if (running.current.get(key) === promise) running.current.delete(key);
        };
        promise.then(() => {
          forget();
          if (!running.current.size) last.current = { key, at: Date.now(), promise };
        }, forget);
      }
      return promise;
    },
    [base, pending],
  );
  const mutate = useCallback(
    (variables: TVariables, opts?: MutateOptions<TData, TError, TVariables, TContext>): void => {
      if (pending(variablesKey(variables))) return;
      mutateAsync(variables, opts).catch(() => undefined);
    },
    [mutateAsync, pending],
  );
  return useMemo(() => ({ ...m, mutate, mutateAsync }) as UseMutationResult<TData, TError, TVariables, TContext>, [m, mutate, mutateAsync]);
}
