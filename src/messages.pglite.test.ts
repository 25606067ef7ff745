/**
 * The server's message catalogues (DB-free; `.pglite.test.ts` so that it runs once, not once per database): every
 * catalogue file is registered, each has every key in both locales, and no key belongs to two catalogues.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MODULE_MESSAGES } from './messages.js';
import { fieldLabel, isMessageKey, registerMessages, registeredCatalogues, t, type Catalogue } from './platform/i18n/index.js';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Every `*.messages.ts` under src/ (the web app keeps its own catalogues under web/). */
function catalogueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return catalogueFiles(full);
    return e.name.endsWith('.messages.ts') ? [full] : [];
  });
}

describe('server message catalogues', () => {
  const catalogues = registeredCatalogues();

  it('registers every catalogue file, the platform\'s and each module\'s', async () => {
    const files = catalogueFiles(SRC);
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(MODULE_MESSAGES).length + 2);
    const registered = new Set([...catalogues.values()].map((c) => c.zhCN));
    const missing: string[] = [];
    for (const file of files) {
      const mod = (await import(pathToFileURL(file).href)) as Partial<Catalogue>;
      if (!mod.zhCN || !registered.has(mod.zhCN)) missing.push(path.relative(SRC, file));
    }
    expect(missing).toEqual([]);
    expect([...catalogues.keys()].sort()).toEqual(['idempotency', 'platform', ...Object.keys(MODULE_MESSAGES)].sort());
  });

  it('has every key in zh-CN and en, as non-empty text', () => {
    const problems: string[] = [];
    for (const [name, c] of catalogues) {
      const zh = Object.keys(c.zhCN).sort();
      const en = Object.keys(c.en).sort();
      for (const k of zh) if (!Object.hasOwn(c.en, k)) problems.push(`${name}: ${k} has no en`);
      for (const k of en) if (!Object.hasOwn(c.zhCN, k)) problems.push(`${name}: ${k} has no zh-CN`);
      for (const k of zh) {
        if (typeof c.zhCN[k] !== 'string' || !c.zhCN[k]) problems.push(`${name}: ${k} zh-CN is empty`);
        if (Object.hasOwn(c.en, k) && (typeof c.en[k] !== 'string' || !c.en[k])) problems.push(`${name}: ${k} en is empty`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('defines each key in one catalogue only', () => {
    const owners = new Map<string, string[]>();
    for (const [name, c] of catalogues) for (const k of Object.keys(c.zhCN)) owners.set(k, [...(owners.get(k) ?? []), name]);
    const shared = [...owners].filter(([, names]) => names.length > 1).map(([k, names]) => `${k}: ${names.join(', ')}`);
    expect(shared).toEqual([]);
    expect(owners.size).toBeGreaterThan(500);
  });

  it('refuses a key defined twice or a catalogue missing a locale, and takes the same catalogue twice once', () => {
    expect(() => registerMessages('dup', { zhCN: { 'customers.not_found': 'x' }, en: { 'customers.not_found': 'x' } })).toThrow(
      /customers\.not_found \(customers\)/,
    );
    expect(() => registerMessages('half', { zhCN: { 'half.key': '半' }, en: {} })).toThrow(/half\.key \(en\)/);
    expect(() => registerMessages('customers', { zhCN: { 'other.key': 'x' }, en: { 'other.key': 'x' } })).toThrow(/registered twice/);
    registerMessages('customers', MODULE_MESSAGES.customers);
    expect(isMessageKey('half.key')).toBe(false);
    expect(isMessageKey('other.key')).toBe(false);
  });

  it('translates module keys and finds module field labels, as before the move', () => {
    expect(t('zh-CN', 'customers.not_found')).toBe('找不到该客户');
    expect(t('en', 'customers.not_found')).toBe('Customer not found');
    expect(t('en', 'sla.report_range', { max: 366 })).toBe(MODULE_MESSAGES['tickets/sla'].en['sla.report_range'].replace('{max}', '366'));
    expect(t('en', 'problem.payload_too_large', {})).toBe('The request body is too large (limit {limit} bytes)');
    expect(isMessageKey('imports.by.phone')).toBe(true);
    expect(isMessageKey('toString')).toBe(false);
    expect(fieldLabel('zh-CN', 'address.city')).toBe('城市');
    expect(fieldLabel('en', 'phones.1')).toBe('Phones #2');
    expect(fieldLabel('zh-CN', 'admin.password')).toBe('密码');
    expect(fieldLabel('en', 'kbArticle.title')).toBe('Title');
    expect(fieldLabel('en', 'limit')).toBe('Page size');
    expect(fieldLabel('en', 'no.such.field')).toBe('no.such.field');
  });
});
