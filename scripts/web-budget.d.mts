/** Types of scripts/web-budget.mjs (for its unit test). */
export type ManifestChunk = { file: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] };
export type Manifest = Record<string, ManifestChunk>;
export type Measurement = {
  appInitialJs: number;
  appInitialFiles: number;
  appCss: number;
  signInJs: number | null;
  customerListJs: number | null;
  publicPage: number;
  publicParts: { html: number; js: number; css: number };
};
export type Budgets = { appInitialJs: number; publicPage: number };
export const BUDGETS: Budgets;
export function gzipSize(buf: Buffer | string): number;
export function closure(manifest: Manifest, key: string, opts?: { dynamic?: boolean }): { js: string[]; css: string[] };
export function findKey(manifest: Manifest, suffix: string): string | null;
export function measure(manifests: { app: Manifest; public: Manifest }, size: (file: string) => number): Measurement;
export function overBudget(m: Measurement, budgets?: Budgets): string[];
export function kb(bytes: number): string;
export function report(m: Measurement, budgets?: Budgets): string[];
