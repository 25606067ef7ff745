import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The web app's module boundary: another module imports web/src/modules/<m>/ only through its index.ts; the shell
 * (App.tsx, nav.tsx, shell.tsx) also through its routes.ts (the module's pages as lazy components, kept out of
 * index.ts so that no module reaches another's pages). The import is resolved against the importing file, so every
 * spelling of a path into another module's files is caught (`../customers/api`, `../../modules/customers/api`,
 * `../../accounts/api` from a sub-folder, `./modules/x/Page` from the shell), in imports, re-exports and dynamic
 * `import()` alike. The platform (web/src/platform/) is below the modules: it imports no module at all, not even an
 * index.ts (the modules' UI strings are gathered by web/src/messages.ts, not by platform/i18n).
 */
const webModulesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'web', 'src', 'modules');
const webPlatformDir = path.join(path.dirname(webModulesDir), 'platform');
const webModuleBoundary = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      internal: "Import the web module '{{module}}' only through its index.ts (the shell: or routes.ts), not its file '{{module}}/{{file}}'.",
      platform: "The web platform imports no module (here '{{module}}'): modules depend on the platform, not the reverse.",
    },
  },
  create(context) {
    const file = context.filename;
    const own = path.relative(webModulesDir, file).split(path.sep);
    const ownModule = own[0] === '..' || own.length < 2 ? null : own[0];
    const inPlatform = !path.relative(webPlatformDir, file).startsWith('..');
    const check = (source) => {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = path.relative(webModulesDir, path.resolve(path.dirname(file), source.value)).split(path.sep);
      const [module, ...rest] = target;
      if (!module || module === '..' || path.isAbsolute(module) || module === ownModule || module === 'package.json') return;
      if (inPlatform) return context.report({ node: source, messageId: 'platform', data: { module } });
      const entry = ownModule === null ? /^(index|routes)(\.[jt]sx?)?$/ : /^index(\.[jt]sx?)?$/;
      if (rest.length === 0 || (rest.length === 1 && entry.test(rest[0]))) return;
      context.report({ node: source, messageId: 'internal', data: { module, file: rest.join('/') } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'web/dist', 'data', 'drizzle', 'test-results', 'bench/results', '.test-build'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Web modules talk to each other, and the shell (App.tsx, nav.tsx, shell.tsx, messages.ts) to them, only through
    // their index.ts; the platform not at all.
    files: ['web/src/modules/**/*.{ts,tsx}', 'web/src/*.{ts,tsx}', 'web/src/platform/**/*.{ts,tsx}'],
    plugins: { hearth: { rules: { 'web-module-boundary': webModuleBoundary } } },
    rules: { 'hearth/web-module-boundary': 'error' },
  },
  {
    // Modules talk to each other only through their index.ts.
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$|schema\\.js$).+',
              message: "Import another module only through its index.ts (schema.ts is shared with the database layer).",
            },
          ],
        },
      ],
    },
  },
  {
    // Contracts are shared with the web UI, which compiles and bundles them as they are: types and constants only.
    files: ['src/**/*.contract.ts', 'src/platform/auth/catalog.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '.*', message: 'A contract file imports nothing: the web UI compiles and bundles it as it is.' }] },
      ],
    },
  },
  {
    // The access component is the only reader of an actor's data scope (src/platform/boundaries.pglite.test.ts too).
    files: ['src/**/*.ts'],
    ignores: ['src/platform/auth/access.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='scope'][object.name='actor'], MemberExpression[property.name='scope'][object.property.name='actor']",
          message: 'Ask the access component (platform/auth/access.ts, or customerAccess from the customers module): never read actor.scope.',
        },
      ],
    },
  },
  {
    // Split by purpose: no file over 600 lines anywhere, no function over 150 lines in the source (a test's describe is exempt).
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    rules: { 'max-lines': ['error', { max: 600 }] },
  },
  {
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', 'src/test/**'],
    rules: { 'max-lines-per-function': ['error', { max: 150, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  // No import cycles: scripts/import-cycles.mjs, checked by src/platform/import-cycles.pglite.test.ts (faster than
  // import-x/no-cycle, which parsed every file a second time; docs/ARCHITECTURE.md, Tests).
  {
    // Type-aware rules: a promise is awaited, handled or explicitly voided; none is passed where nothing awaits it.
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}', 'e2e/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: path.dirname(fileURLToPath(import.meta.url)) } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
);
