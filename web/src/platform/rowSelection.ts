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
