import type { Plugin } from 'vite';
/** See vite-direct-imports.mjs. */
export function directImports(): Plugin;
