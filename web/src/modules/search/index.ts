// The global search as the shell sees it: the header control (a box, an icon at phone width) and its Ctrl+K palette.

export { GlobalSearch } from './GlobalSearch';
export * as searchMessages from './messages';
