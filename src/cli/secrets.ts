import { Option, type Command } from 'commander';
import { prepareDatabase } from '../app.js';
import { newSecretKeyText } from '../platform/secrets.js';
import { rotateSecrets } from '../secret-stores.js';
import { withDatabase } from './context.js';

/**
 * `hearth secrets rotate` — every stored secret (channel credentials, inbound keys, signing keys, TOTP secrets) sealed
 * anew under the current key, in short transactions, through the same stores the server uses (src/secret-stores.ts).
 * To move to a new key: set HEARTH_SECRET_KEY to it and HEARTH_SECRET_KEY_PREVIOUS to the old one, run this, then
 * restart the servers with the new key (the previous one can go once this reports nothing unreadable). Without
 * HEARTH_SECRET_KEY it makes a new DATA_DIR/secret.key. `hearth secrets new-key` prints a fresh key.
 */
export function addSecretsCommand(program: Command): void {
  const secrets = program.command('secrets').description('secrets at rest: channel credentials, inbound keys and TOTP secrets, sealed with AES-256-GCM');
  secrets
    .command('rotate')
    .description('seal every stored secret anew under the current key (HEARTH_SECRET_KEY; the old one as HEARTH_SECRET_KEY_PREVIOUS), or a new key file')
    .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the outcome as JSON').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: 'text' | 'json' }) => {
      await withDatabase(async (database, config) => {
        await prepareDatabase(database);
        const result = await rotateSecrets(database.db, config);
        if (opts.format === 'json') console.log(JSON.stringify(result));
        else {
          for (const r of result.report) console.log(`${r.store}: ${r.resealed} sealed anew${r.unreadable ? `, ${r.unreadable} unreadable` : ''}`);
          console.log(`current key ${result.keyId}${config.secretKey ? ' (HEARTH_SECRET_KEY)' : ' (DATA_DIR/secret.key)'}`);
        }
        if (result.unreadable) {
          console.error(`${result.unreadable} secret(s) are sealed under a key that is not configured: give it as HEARTH_SECRET_KEY_PREVIOUS and run again`);
          process.exitCode = 1;
        }
      });
    });
  secrets
    .command('new-key')
    .description('print a new random key for HEARTH_SECRET_KEY (32 bytes, base64)')
    .action(() => console.log(newSecretKeyText()));
}
