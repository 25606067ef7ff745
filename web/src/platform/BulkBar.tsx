import { useState, type ReactNode } from 'react';
import { Button, Flex, Typography } from 'antd';

/** One button of a bulk bar: the action it opens, its label and icon, and how it looks. */
export type BulkBarAction<A extends string> = { key: A; label: ReactNode; icon: ReactNode; primary?: boolean; danger?: boolean; testId?: string };

/**
 * The bar above a list while rows are picked (the ticket queue, 我的任务, the feedback inbox): how many, one button per
 * action, clear. A button opens the list's own dialog for that action; `done` closes it and clears the picks.
 */
export function BulkBar<A extends string>({
  count,
  selectedLabel,
  clearLabel,
  testId,
  actions,
  onClear,
  dialog,
}: {
  count: number;
  selectedLabel: ReactNode;
  clearLabel: ReactNode;
  testId: string;
  actions: BulkBarAction<A>[];
  onClear: () => void;
  dialog: (action: A, close: () => void, done: () => void) => ReactNode;
}) {
  const [action, setAction] = useState<A | null>(null);
  if (!count && !action) return null;
  return (
    <>
      {count ? (
        <Flex gap={8} wrap align="center" data-testid={testId} style={{ marginBottom: 12 }}>
          <Typography.Text strong>{selectedLabel}</Typography.Text>
          {actions.map((a) => (
            <Button key={a.key} type={a.primary ? 'primary' : undefined} danger={a.danger} icon={a.icon} onClick={() => setAction(a.key)} data-testid={a.testId}>
              {a.label}
            </Button>
          ))}
          <Button type="link" onClick={onClear}>
            {clearLabel}
          </Button>
        </Flex>
      ) : null}
      {action
        ? dialog(
            action,
            () => setAction(null),
            () => {
              setAction(null);
              onClear();
            },
          )
        : null}
    </>
  );
}
