/** Field grants in the integration tests: a role sees and edits every field of the catalogue but the hidden ones. */
import type { Client } from './harness.js';
import { ok } from './http.js';

/** Sets `role`'s grants as the admin: every field editable, `hidden` hidden; null puts back the default grants. */
export async function hideFields(admin: Client, role: string, hidden: string[] | null): Promise<void> {
  if (!hidden) {
    ok(await admin.put(`/api/v1/roles/${role}/field-grants`, { levels: null }));
    return;
  }
  const matrix = ok(await admin.get('/api/v1/roles/field-grants'));
  const levels: Record<string, string> = Object.fromEntries((matrix.fields as { key: string }[]).map((f) => [f.key, 'edit']));
  for (const f of hidden) levels[f] = 'hidden';
  ok(await admin.put(`/api/v1/roles/${role}/field-grants`, { levels }));
}
