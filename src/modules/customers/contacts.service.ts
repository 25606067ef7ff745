import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { maskPhone } from '../../platform/phone.js';
import { recordAudit } from '../audit/index.js';
import * as repo from './customers.repository.js';
import { customerAccess } from './access.js';
import type { ContactView } from './customers.contract.js';
import { toContactView } from './customers.views.js';
import { refuseFieldWrites } from './field-access.js';

type ContactInput = {
  name?: string;
  title?: string | null;
  phones?: string[];
  email?: string | null;
  isPrimary?: boolean;
  notes?: string | null;
};

async function organisation(db: DbOrTx, actor: Actor, customerId: string, forWrite: boolean) {
  const customer = await repo.findCustomer(db, customerId, customerAccess.scope(actor));
  if (!customer || (forWrite && customer.deletedAt)) throw AppError.notFound('customers.not_found');
  if (forWrite && customer.kind !== 'organization') throw AppError.conflict('customers.contacts_only_org');
  return customer;
}

const summary = (c: { name: string; title: string | null; phones: string[] }) => ({
  name: c.name,
  title: c.title,
  phones: c.phones.map(maskPhone),
});

/** Contacts are part of their organisation: their changes are in the customer's history. */
export async function listContacts(db: DbOrTx, actor: Actor | null, customerId: string): Promise<ContactView[]> {
  requireAccess(actor, 'customer:read');
  await organisation(db, actor, customerId, false);
  return (await repo.listContacts(db, customerId)).map((c) => toContactView(c, actor));
}

export async function createContact(db: DbOrTx, actor: Actor | null, customerId: string, input: ContactInput & { name: string }) {
  requireAccess(actor, 'customer:write');
  refuseFieldWrites(actor, { phones: input.phones, email: input.email }, 'create');
  await organisation(db, actor, customerId, true);
  if (input.isPrimary) await repo.clearPrimaryContact(db, customerId);
  const row = await repo.insertContact(db, {
    customerId,
    name: input.name,
    title: input.title ?? null,
    phones: input.phones ?? [],
    email: input.email ?? null,
    isPrimary: input.isPrimary ?? false,
    notes: input.notes ?? null,
  });
  await recordAudit(db, actor, { action: 'contact_create', entityType: 'customer', entityId: customerId, changes: { contactId: row.id, ...summary(row) } });
  return toContactView(row, actor);
}

export async function updateContact(db: DbOrTx, actor: Actor | null, customerId: string, contactId: string, input: ContactInput) {
  requireAccess(actor, 'customer:write');
  await organisation(db, actor, customerId, true);
  const before = await repo.findContact(db, customerId, contactId);
  if (!before) throw AppError.notFound('contacts.not_found');
  if (input.phones !== undefined) requireAccess(actor, 'customer:pii');
  refuseFieldWrites(actor, { phones: input.phones, email: input.email }, 'update');
  if (input.isPrimary) await repo.clearPrimaryContact(db, customerId);
  const values = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const row = await repo.updateContact(db, contactId, values);
  await recordAudit(db, actor, {
    action: 'contact_update',
    entityType: 'customer',
    entityId: customerId,
    changes: { contactId, before: summary(before), after: summary(row!) },
  });
  return toContactView(row!, actor);
}

export async function deleteContact(db: DbOrTx, actor: Actor | null, customerId: string, contactId: string): Promise<void> {
  requireAccess(actor, 'customer:write');
  await organisation(db, actor, customerId, true);
  const before = await repo.findContact(db, customerId, contactId);
  if (!before) throw AppError.notFound('contacts.not_found');
  await repo.updateContact(db, contactId, { deletedAt: new Date() });
  await recordAudit(db, actor, { action: 'contact_delete', entityType: 'customer', entityId: customerId, changes: { contactId, ...summary(before) } });
}
