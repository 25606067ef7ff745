// The imports module as other modules see it: the 导入 button. Its page is in routes.ts.

export { ImportButton } from './ImportButton';
export * as importsMessages from './messages';
