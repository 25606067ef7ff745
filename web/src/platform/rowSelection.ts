import { useState } from 'react';
import type { TableProps } from 'antd';

type TableRowSelection<T> = NonNullable<TableProps<T>['rowSelection']>;

/**
 * The check-box column of a list whose rows can be picked for a bulk action (the customer list, the ticket queue,
 * the tag registry): the picks survive paging and filtering (kept by key), and every box is named for a screen reader
 * by the row it picks.
 */
export function checkboxSelection<T>(
  selectedKeys: readonly string[],
  onChange: (keys: string[]) => void,
  label: (row: T) => string,
  columnWidth = 40,
): TableRowSelection<T> {
  return {
    selectedRowKeys: [...selectedKeys],
    preserveSelectedRowKeys: true,
    onChange: (keys) => onChange(keys.map(String)),
    getCheckboxProps: (row) => ({ 'aria-label': label(row) }),
    columnWidth,
  };
}

/**
 * The rows picked for a bulk action (the customer list, the ticket queue, the feedback inbox): kept across pages as last
 * seen (fresh from the shown page when they are on it), and dropped when `key` (the list's filters) changes.
 */
export function useKeptSelection<T extends { id: string }>(key: string, items: readonly T[]) {
  const [selection, setSelection] = useState<{ key: string; rows: T[] }>({ key, rows: [] });
  const selected = (selection.key === key ? selection.rows : []).map((r) => items.find((i) => i.id === r.id) ?? r);
  const select = (ids: string[]) => setSelection({ key, rows: ids.map((id) => items.find((i) => i.id === id) ?? selected.find((r) => r.id === id)).filter((r): r is T => !!r) });
  const clear = () => setSelection({ key, rows: [] });
  return { selected, select, clear };
}
