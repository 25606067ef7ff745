/** What the integration tests assert about an answer through `app.inject`: the status, and its body. */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Problem } from '../platform/http/problem.js';

export type { Problem } from '../platform/http/problem.js';

/** The answer has this status and is problem+json; its body. */
export function problemOf(res: LightMyRequestResponse, status: number): Problem {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as Problem;
}

/** The answer has this status (200 unless told); its JSON body. */
export function ok<T = any>(res: LightMyRequestResponse, status = 200): T {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}
