/**
 * The retail demo: the CDNOW purchase log (23,570 customers, 69,659 purchases, 1997–1998) loaded through the
 * ordinary transactions import with customers created on the way — the same path a shop's own export takes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../platform/version.js';

export const CDNOW_MAPPING = {
  mapping: { customer_id: 'customerExternalId', date: 'occurredAt', dollar_value: 'amount' },
  options: { createMissingCustomers: true },
} as const;

/** ../shared/data/cdnow/CDNOW_master.txt beside the project, when present. */
export function cdnowDefaultFile(): string | null {
  const file = path.resolve(ROOT_DIR, '..', 'shared', 'data', 'cdnow', 'CDNOW_master.txt');
  return existsSync(file) ? file : null;
}
