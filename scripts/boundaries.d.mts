export type Finding = { kind: 'scope' | 'table-import' | 'sql-table' | 'settings-key'; file: string; line: number; text: string };
export const SCOPE_READER: string;
export function findings(): Finding[];
