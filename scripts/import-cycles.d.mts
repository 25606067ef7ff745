/** Types of scripts/import-cycles.mjs (a plain script, also run as `node scripts/import-cycles.mjs`). */
export function importsOf(file: string): Set<string>;
export function importCycles(dirs?: string[], base?: string): string[][];
