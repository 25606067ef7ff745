/**
 * `hearth customers list | export`: customers as the server shows them — the same services, so a user's data scope,
 * masking and field grants (issue #18) apply. `--as <username>` acts as that user (their role and teams now); without
 * it the command acts as the system (every field, as the admin role).
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Option, type Command } from 'commander';
import { eq } from 'drizzle-orm';
import { prepareDatabase } from '../app.js';
import { actorOfUser, userDirectory } from '../modules/accounts/index.js';
import { exportCustomersCsv, exportCustomersXlsx, exportQuery, listCustomers, listQuery, type CustomerView } from '../modules/customers/index.js';
import { systemActor, type Actor } from '../platform/auth/permissions.js';
import type { DbOrTx } from '../platform/db/client.js';
import { AppError } from '../platform/errors.js';
import { parseOrThrow } from '../platform/http/validation.js';
import { locale, withDatabase } from './context.js';

/** The actor a command runs as: the named active user, else the system. */
async function actorOf(db: DbOrTx, username: string | undefined): Promise<Actor> {
  if (!username) return systemActor('cli', locale);
  const [user] = await db.select({ id: userDirectory.id }).from(userDirectory).where(eq(userDirectory.username, username.toLowerCase()));
  const actor = user ? await actorOfUser(db, user.id) : null;
  if (!actor) throw AppError.field('as', 'users.not_found');
  return { ...actor, via: 'cli', locale };
}

/** One line per customer: id, name, phones, ID number and address as the actor may see them (masked). */
function line(c: CustomerView): string {
  const address = Object.values(c.address).filter(Boolean).join('');
  return [c.id, c.name, c.phones.join(' '), c.idNumber ?? '', address].join('\t');
}

export function addCustomersCommand(program: Command): void {
  const customers = program.command('customers').description('customers (客户): list and export as a user sees them');
  customers
    .command('list')
    .description('list customers (newest first), as the server lists them to the user')
    .option('--as <username>', 'act as this user (their role, data scope and field grants); default: the system')
    .option('--q <text>', 'search text (name, address, email, phone)')
    .option('--limit <n>', 'how many (1–200)', '50')
    .addOption(new Option('--format <format>', 'text (tab-separated) or json').choices(['text', 'json']).default('text'))
    .action(async (opts: { as?: string; q?: string; limit: string; format: 'text' | 'json' }) => {
      await withDatabase(async (database) => {
        await prepareDatabase(database);
        const actor = await actorOf(database.db, opts.as);
        const query = parseOrThrow(listQuery, { limit: opts.limit, ...(opts.q ? { q: opts.q } : {}) }, 'query');
        const page = await listCustomers(database.db, actor, query);
        if (opts.format === 'json') console.log(JSON.stringify(page));
        else for (const c of page.items) console.log(line(c));
      });
    });
  customers
    .command('export')
    .description('export the customer list as CSV (to standard output or --out) or XLSX (--out), as the server exports it (audited)')
    .option('--as <username>', 'act as this user (their role, data scope and field grants); default: the system')
    .option('--out <file>', 'write to this file (required for xlsx)')
    .addOption(new Option('--format <format>', 'csv or xlsx').choices(['csv', 'xlsx']).default('csv'))
    .action(async (opts: { as?: string; out?: string; format: 'csv' | 'xlsx' }) => {
      if (opts.format === 'xlsx' && !opts.out) throw AppError.field('out', 'validation.required', { field: 'out' });
      await withDatabase(async (database, config) => {
        await prepareDatabase(database);
        const actor = await actorOf(database.db, opts.as);
        const query = parseOrThrow(exportQuery, {}, 'query');
        const source =
          opts.format === 'csv'
            ? Readable.from(await exportCustomersCsv(database.db, actor, query, locale))
            : await exportCustomersXlsx(database.db, actor, query, locale, config.displayTimezone);
        if (opts.out) await pipeline(source, createWriteStream(opts.out));
        else for await (const chunk of source) process.stdout.write(chunk as string | Buffer);
      });
    });
}
