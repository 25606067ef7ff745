import type { ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import { useFieldAccess } from './api';

/**
 * 字段权限 in a form: the children only when the user's role sees `field`, and disabled when it may only read it
 * (every antd input inside). `field` is a standard field's grant key (`idNumber`, `address` …) or `custom.<key>`.
 */
export function FieldGate({ field, children }: { field: string; children: ReactNode }) {
  const access = useFieldAccess();
  const level = access.level(field);
  if (level === 'hidden') return null;
  if (level === 'read') return <ConfigProvider componentDisabled>{children}</ConfigProvider>;
  return <>{children}</>;
}
