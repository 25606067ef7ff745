import { readFileSync } from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { prepareDatabase } from '../app.js';
import '../messages.js'; // the modules' messages (app.ts imports them too; named here as the CLI's own entry)
import { systemActor } from '../platform/auth/permissions.js';
import { AppError } from '../platform/errors.js';
import { parseOrThrow } from '../platform/http/validation.js';
import { fieldLabel, t } from '../platform/i18n/index.js';
import { VERSION } from '../platform/version.js';
import { countUsers, createUser, createUserBody, runSetup, setupBody } from '../modules/accounts/index.js';
import { importOutcome, prepareFileImport, runImport } from '../modules/imports/index.js';
import { CDNOW_MAPPING, cdnowDefaultFile, loadDemo, todayInShanghai } from '../modules/demo/index.js';
import { writeCompanySettings } from '../modules/settings/index.js';
import { doctor } from './doctor.js';
import { readMappingFile, progressPrinter } from './import.js';
import { locale, withDatabase } from './context.js';
import { addFitCommand } from './analytics-fit.js';
import { addRunCommand } from './analytics-run.js';
import { addSegmentsCommand } from './segments.js';
import { addCampaignsCommand } from './campaigns.js';
import { addFeedbackCommand } from './feedback.js';
import { addSurveysCommand } from './surveys.js';
import { addLoyaltyCommand } from './loyalty.js';
import { addSecretsCommand } from './secrets.js';
import { addCustomersCommand } from './customers.js';
import { addPrivacyCommand } from './privacy.js';

function readPassword(opts: { password?: string; passwordStdin?: boolean }): string {
  if (opts.passwordStdin) return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  const p = opts.password ?? process.env.HEARTH_PASSWORD;
  if (!p) throw new Error('A password is needed: --password, --password-stdin or HEARTH_PASSWORD');
  return p;
}

const program = new Command('hearth')
  .description('Hearth (客情管理系统) command line: the same services as the server, without HTTP')
  .version(VERSION);

program
  .command('migrate')
  .description('apply pending database migrations (the server also does this at start)')
  .action(async () => {
    await withDatabase(async (database) => {
      await prepareDatabase(database);
      console.log(`migrations applied (${database.kind})`);
    });
  });

program
  .command('doctor')
  .description('print the configuration and check the database, migrations and web build')
  .option('--format <format>', 'text or json', 'text')
  .action(async (opts: { format: string }) => {
    const ok = await doctor(opts.format === 'json');
    process.exitCode = ok ? 0 : 1;
  });

const user = program.command('user').description('user accounts');
user
  .command('create')
  .description('create a user; while no user exists this is the first-run setup and the user is the admin')
  .requiredOption('--username <name>', 'sign-in name (3–32 letters, digits, _ . -)')
  .option('--password <password>', 'password (or --password-stdin, or HEARTH_PASSWORD)')
  .option('--password-stdin', 'read the password from standard input')
  .option('--display-name <name>', 'name shown in the UI (default: the username)')
  .option('--mobile <mobile>', 'mobile number (sign-in by mobile)')
  .option('--email <email>', 'email address')
  .addOption(new Option('--role <role>', 'role').choices(['admin', 'manager', 'account_manager', 'agent', 'marketer', 'viewer']).default('admin'))
  .option('--team <teamId>', 'team id')
  .option('--company <name>', 'company name (first run only)', 'Hearth')
  .addOption(new Option('--template <template>', 'industry template (first run only)').choices(['blank', 'heating']).default('blank'))
  .action(async (opts) => {
    const password = readPassword(opts);
    await withDatabase(async (database) => {
      await prepareDatabase(database);
      const account = {
        username: opts.username,
        displayName: opts.displayName ?? opts.username,
        password,
        ...(opts.mobile ? { mobile: opts.mobile } : {}),
        ...(opts.email ? { email: opts.email } : {}),
      };
      if ((await countUsers(database.db)) === 0) {
        const input = parseOrThrow(setupBody, { companyName: opts.company, template: opts.template, admin: account }, 'input');
        const admin = await runSetup(database.db, input, { ip: null, userAgent: 'hearth-cli', locale, via: 'cli' });
        console.log(`setup complete: company "${input.companyName}" (${input.template}), admin "${admin.username}" created`);
        return;
      }
      const input = parseOrThrow(createUserBody, { ...account, roleKey: opts.role, ...(opts.team ? { teamId: opts.team } : {}) }, 'input');
      const created = await database.db.transaction((tx) => createUser(tx, systemActor('cli', locale), input));
      console.log(`user "${created.username}" created with role ${created.roleKey}`);
    });
  });

program
  .command('import')
  .description('import customers or transactions from a CSV/XLSX file; resumes an unfinished import of the same file')
  .addArgument(new Argument('<kind>', 'what the file holds').choices(['customers', 'transactions']))
  .argument('<file>', 'CSV (UTF-8 or GBK), whitespace-separated text, or XLSX')
  .option('--mapping <file>', 'JSON: {"mapping": {"column": "field"}, "options": {...}} or just {"column": "field"}')
  .addOption(new Option('--on-duplicate <policy>', 'when a row matches an existing customer').choices(['skip', 'update', 'create']))
  .option('--create-missing-customers', 'transactions: create customers for unknown customer numbers')
  .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the outcome as JSON').choices(['text', 'json']).default('text'))
  .action(async (kind: 'customers' | 'transactions', file: string, opts) => {
    await withDatabase(async (database, config) => {
      await prepareDatabase(database);
      const actor = systemActor('cli', locale);
      const fromFile = opts.mapping ? readMappingFile(opts.mapping) : {};
      const options = {
        ...fromFile.options,
        ...(opts.onDuplicate ? { onDuplicate: opts.onDuplicate } : {}),
        ...(opts.createMissingCustomers ? { createMissingCustomers: true } : {}),
      };
      const { id, resumed } = await prepareFileImport(database.db, config, actor, { kind, filePath: file, mapping: fromFile.mapping, options });
      if (resumed) console.error(t(locale, 'cli.import.resumed'));
      const started = performance.now();
      const job = await runImport(database.db, id, {
        fallbackActor: actor,
        onProgress: progressPrinter(locale),
        exclusive: true, // the command owns the database: full batches, no slices
      });
      const outcome = await importOutcome(database.db, id, locale);
      const seconds = (performance.now() - started) / 1000;
      const rows = job?.processedRows ?? 0;
      // One machine-readable line for scripts and benchmarks (stderr keeps stdout's last line the outcome).
      console.error(
        `stats rows=${rows} seconds=${seconds.toFixed(1)} rowsPerSecond=${Math.round(rows / Math.max(seconds, 0.001))} peakRssMB=${Math.round(process.resourceUsage().maxRSS / 1024)} heapMB=${Math.round(process.memoryUsage().heapTotal / 1048576)} externalMB=${Math.round(process.memoryUsage().external / 1048576)}`,
      );
      if (job?.status === 'failed') {
        console.error(job.error ?? 'failed');
        process.exitCode = 1;
      }
      if (opts.format === 'json') console.log(JSON.stringify(outcome));
      else {
        console.log(t(locale, 'cli.import.summary', { created: outcome.created, updated: outcome.updated, skipped: outcome.skipped, rejected: outcome.rejected.length }));
        for (const r of outcome.rejected.slice(0, 50)) console.log(`  ${t(locale, 'cli.import.row', { row: r.row })}: ${r.reason}`);
        if (outcome.rejected.length > 50) console.log(`  …`);
      }
    });
  });

const demo = program.command('demo').description('demonstration data');
demo
  .command('load')
  .description('generate a heating utility (households, ten seasons of heating fees, service purchases) into the database')
  .option('--size <n>', 'households', '50000')
  .option('--seed <n>', 'random seed: the same seed, size and date give the same data', '1')
  .option('--as-of <date>', 'last day of the generated history (YYYY-MM-DD; default today in Beijing)')
  .option('--password <password>', 'password of the generated account managers (demo.manager001 …; default random)')
  .option('--admin-password <password>', 'on a database without users: run the first-run setup with user "admin" and this password')
  .option('--accept-older-version', 'a finished load of the same seed, size and date by an older generator counts as done (benchmarks)')
  .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the outcome as JSON').choices(['text', 'json']).default('text'))
  .action(async (opts) => {
    await withDatabase(async (database) => {
      await prepareDatabase(database);
      const actor = systemActor('cli', locale);
      if ((await countUsers(database.db)) === 0) {
        if (!opts.adminPassword) throw new Error('No user exists yet: run `hearth user create --template heating …` first, or pass --admin-password');
        const input = parseOrThrow(
          setupBody,
          { companyName: '冰城热力（演示）', template: 'heating', admin: { username: 'admin', displayName: '系统管理员', password: opts.adminPassword } },
          'input',
        );
        await runSetup(database.db, input, { ip: null, userAgent: 'hearth-cli', locale, via: 'cli' });
      }
      const params = { size: Number(opts.size), seed: Number(opts.seed), asOf: opts.asOf ?? todayInShanghai() };
      const started = performance.now();
      let last = 0;
      const status = await loadDemo(database.db, actor, params, {
        managerPassword: opts.password,
        writers: database.kind === 'postgres' ? 2 : 1,
        skipForeignKeyChecks: true,
        acceptOlderVersion: opts.acceptOlderVersion === true,
        exclusive: true, // the command owns the database: big batches, indexes rebuilt at the end
        // The history's messages wait in the outbox for the server's sender (their links name this address until the
        // settings name a public one).
        activity: { log: () => undefined, fallbackUrl: 'http://localhost:3000' },
        onProgress: (p) => {
          if ((p.loaded < p.total || (p.played ?? 0) < (p.scripts ?? 0)) && performance.now() - last < 2000) return;
          last = performance.now();
          if (p.played !== undefined && p.scripts) console.error(`progress history ${Math.floor((p.played / p.scripts) * 100)}% ${t(locale, 'cli.demo.history', { played: p.played, scripts: p.scripts })}`);
          else console.error(`progress ${Math.floor((p.loaded / p.total) * 100)}% ${t(locale, 'cli.demo.progress', p)}`);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      console.error(`stats households=${status.customers} transactions=${status.transactions} seconds=${seconds.toFixed(1)} peakRssMB=${Math.round(process.resourceUsage().maxRSS / 1024)}`);
      if (opts.format === 'json') console.log(JSON.stringify({ ...status, seconds: Math.round(seconds * 10) / 10 }));
      else console.log(t(locale, 'cli.demo.done', { customers: status.customers, transactions: status.transactions, seconds: seconds.toFixed(1), fingerprint: status.fingerprint ?? '' }));
    });
  });
demo
  .command('cdnow')
  .description('the retail demo: the CDNOW purchase log imported as transactions (customers created on the way)')
  .option('--file <path>', 'CDNOW_master.txt (default: ../shared/data/cdnow/CDNOW_master.txt beside the project)')
  .action(async (opts: { file?: string }) => {
    const file = opts.file ?? cdnowDefaultFile();
    if (!file) throw new Error('CDNOW_master.txt not found: pass --file');
    await withDatabase(async (database, config) => {
      await prepareDatabase(database);
      const actor = systemActor('cli', locale);
      const { id } = await prepareFileImport(database.db, config, actor, {
        kind: 'transactions',
        filePath: file,
        mapping: { ...CDNOW_MAPPING.mapping },
        options: { ...CDNOW_MAPPING.options },
      });
      await runImport(database.db, id, { fallbackActor: actor, onProgress: progressPrinter(locale), exclusive: true });
      const outcome = await importOutcome(database.db, id, locale);
      // CDNOW's amounts are US dollars (cents in the minor unit): the installation says so, rather than showing them as ¥.
      await writeCompanySettings(database.db, { currency: 'USD' });
      console.log(t(locale, 'cli.import.summary', { created: outcome.created, updated: outcome.updated, skipped: outcome.skipped, rejected: outcome.rejected.length }));
    });
  });

const analytics = program.command('analytics').description('customer value analytics: model fits and the analytics run');
addFitCommand(analytics);
addRunCommand(analytics);
addSegmentsCommand(program);
addCampaignsCommand(program);
addFeedbackCommand(program);
addSurveysCommand(program);
addLoyaltyCommand(program);
addSecretsCommand(program);
addCustomersCommand(program);
addPrivacyCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof AppError) {
    console.error(t(locale, err.key, err.params));
    for (const i of err.issues) {
      console.error(`  ${i.field}: ${t(locale, i.key, { ...i.params, field: fieldLabel(locale, String(i.params?.field ?? i.field)) })}`);
    }
  } else {
    console.error(err instanceof Error ? err.message : err);
  }
  process.exitCode = 1;
});
