import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkgPath = fileURLToPath(new URL('../../package.json', import.meta.url));
export const VERSION: string = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
/** The project root (where package.json, drizzle/ and web/ live). */
export const ROOT_DIR: string = fileURLToPath(new URL('../../', import.meta.url));
