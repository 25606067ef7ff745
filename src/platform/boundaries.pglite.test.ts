/**
 * Module boundaries at the level of the source text (scripts/boundaries.mjs; `node scripts/boundaries.mjs` prints
 * the same list): only the access component reads an actor's scope, and no module names another module's tables
 * (by importing its table objects or in raw SQL) or its settings keys — it reads through what that module exports
 * (functions, or the views its schema.ts defines). DB-free: runs once.
 */
import { describe, expect, it } from 'vitest';
import { findings, SCOPE_READER } from '../../scripts/boundaries.mjs';

const all = findings();
const show = (kind: string) => all.filter((f) => f.kind === kind).map((f) => `${f.file}:${f.line} ${f.text}`);

describe('module boundaries', () => {
  it(`reads actor.scope only in ${SCOPE_READER}`, () => {
    expect(show('scope')).toEqual([]);
  });
  it("imports no other module's tables (schema.ts may, for foreign keys)", () => {
    expect(show('table-import')).toEqual([]);
  });
  it("names no other module's table in SQL", () => {
    expect(show('sql-table')).toEqual([]);
  });
  it("reads no other module's settings keys", () => {
    expect(show('settings-key')).toEqual([]);
  });
});
