/**
 * The web bundle's budget checker (scripts/web-budget.mjs), on made-up build manifests: what counts as the agent
 * app's initial JavaScript (the entry and its static imports, not lazy pages), what counts for the public pages
 * (everything they can load), and that going over a budget is reported (build-web.mjs then fails the build).
 */
import { describe, expect, it } from 'vitest';
import { BUDGETS, closure, measure, overBudget, report, type Manifest } from '../../scripts/web-budget.mjs';

const KB = 1024;
const app: Manifest = {
  'index.html': { file: 'assets/app.js', src: 'index.html', isEntry: true, imports: ['_react.js', '_i18n.js'], dynamicImports: ['src/modules/accounts/LoginPage.tsx', 'src/modules/customers/CustomerListPage.tsx'], css: ['assets/app.css'] },
  '_react.js': { file: 'assets/react.js' },
  '_i18n.js': { file: 'assets/i18n.js', imports: ['_react.js'] },
  'src/modules/accounts/LoginPage.tsx': { file: 'assets/LoginPage.js', src: 'src/modules/accounts/LoginPage.tsx', isDynamicEntry: true, imports: ['_form.js', '_i18n.js'] },
  'src/modules/customers/CustomerListPage.tsx': { file: 'assets/CustomerListPage.js', src: 'src/modules/customers/CustomerListPage.tsx', isDynamicEntry: true, imports: ['_form.js', '_table.js'], dynamicImports: ['_echarts.js'] },
  '_form.js': { file: 'assets/form.js' },
  '_table.js': { file: 'assets/table.js' },
  '_echarts.js': { file: 'assets/echarts.js', isDynamicEntry: true },
};
const pub: Manifest = {
  'public.html': { file: 'assets/public.js', src: 'public.html', isEntry: true, dynamicImports: ['_micromark.js'], css: ['assets/public.css'] },
  '_micromark.js': { file: 'assets/micromark.js', isDynamicEntry: true },
};
const sizes: Record<string, number> = {
  'assets/app.js': 40 * KB,
  'assets/react.js': 80 * KB,
  'assets/i18n.js': 120 * KB,
  'assets/LoginPage.js': 2 * KB,
  'assets/CustomerListPage.js': 6 * KB,
  'assets/form.js': 30 * KB,
  'assets/table.js': 30 * KB,
  'assets/echarts.js': 200 * KB,
  'public.html': 1 * KB,
  'assets/public.js': 10 * KB,
  'assets/public.css': 2 * KB,
  'assets/micromark.js': 15 * KB,
};
const size = (f: string) => sizes[f] ?? 0;

describe('web bundle budget', () => {
  it('counts the entry and its static imports once each, and leaves lazy pages out of the initial JavaScript', () => {
    expect(closure(app, 'index.html').js.sort()).toEqual(['assets/app.js', 'assets/i18n.js', 'assets/react.js']);
    const m = measure({ app, public: pub }, size);
    expect(m.appInitialJs).toBe(240 * KB);
    expect(m.signInJs).toBe(272 * KB); // + LoginPage + form
    expect(m.customerListJs).toBe(306 * KB); // + list + form + table, not the charts it may load later
    expect(m.publicPage).toBe(28 * KB); // HTML + CSS + JS, the lazily loaded Markdown renderer included
    expect(overBudget(m)).toEqual([]);
    expect(report(m).join('\n')).toContain('agent app, initial JS (entry + static imports, 3 files): 240.0 KB / budget 300.0 KB  ok');
  });

  it('reports each budget that is exceeded', () => {
    const big = measure({ app, public: pub }, (f) => (f === 'assets/i18n.js' ? 190 * KB : f === 'assets/micromark.js' ? 50 * KB : size(f)));
    expect(big.appInitialJs).toBe(310 * KB);
    expect(big.publicPage).toBe(63 * KB);
    const over = overBudget(big);
    expect(over).toHaveLength(2);
    expect(over[0]).toMatch(/agent app: initial JavaScript is 310\.0 KB gzipped, over the budget of 300\.0 KB/);
    expect(over[1]).toMatch(/public pages \(\/s\/\*\): 63\.0 KB gzipped in all/);
    expect(report(big).join('\n')).toContain('OVER BUDGET');
    expect(BUDGETS).toEqual({ appInitialJs: 300 * KB, publicPage: 60 * KB });
  });

  it('refuses a manifest that names a chunk it does not contain', () => {
    expect(() => closure({ 'index.html': { file: 'assets/app.js', imports: ['_gone.js'] } }, 'index.html')).toThrow(/_gone\.js/);
  });
});
