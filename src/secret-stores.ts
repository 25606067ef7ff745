/**
 * Secrets at rest (issue #18): each module that stores a secret (a channel's credentials, an inbound key, a signing
 * key, a TOTP secret) registers its store here, for every entry point (server, CLI, tests), so that the re-sealing
 * pass — at a server's start and `hearth secrets rotate` — reaches them all (platform/secrets.ts).
 */
import type { Db } from './platform/db/client.js';
import { beginKeyFileRotation, finishKeyFileRotation, installKeyring, loadKeyring, registerSecretStore, resealSecrets, type KeyConfig, type ResealReport } from './platform/secrets.js';
import { totpSecretStore } from './modules/accounts/index.js';
import { feedbackSecretStore } from './modules/feedback/index.js';
import { messageSecretStores } from './modules/messages/index.js';

for (const store of [...messageSecretStores, feedbackSecretStore, totpSecretStore]) registerSecretStore(store);

/**
 * Before a server serves: secrets still in plain text (stored before they were sealed, e.g. after an upgrade) or under
 * an older key are sealed under the current key. Values under a key this process does not hold are reported.
 */
export async function sealSecretsAtStart(db: Db, log: (line: string) => void): Promise<ResealReport> {
  const report = await resealSecrets(db);
  for (const r of report) {
    if (r.resealed) log(`secrets: ${r.resealed} sealed under the current key (${r.store})`);
    if (r.unreadable) log(`secrets: ${r.unreadable} sealed under a key that is not configured (${r.store}): set HEARTH_SECRET_KEY_PREVIOUS, or enter them again`);
  }
  return report;
}

export type RotationResult = { keyId: string; previousKeyIds: string[]; report: ResealReport; unreadable: number };

/**
 * `hearth secrets rotate`: every stored secret sealed anew under the current key, store by store in short
 * transactions. With HEARTH_SECRET_KEY set, the current key is the environment's (the old one given as
 * HEARTH_SECRET_KEY_PREVIOUS, or left in DATA_DIR/secret.key); without it, a new key file is made and takes the key
 * file's place once every value is under it (the old one kept as `secret.key.previous`). A running server that reads
 * the key file sees the new key by itself; one configured by the environment needs the new environment and a restart.
 */
export async function rotateSecrets(db: Db, config: KeyConfig): Promise<RotationResult> {
  const ring = config.secretKey ? loadKeyring(config) : beginKeyFileRotation(config);
  const report = await resealSecrets(db, ring);
  const unreadable = report.reduce((n, r) => n + r.unreadable, 0);
  if (!config.secretKey && !unreadable) finishKeyFileRotation(config);
  installKeyring(config.secretKey || unreadable ? ring : loadKeyring(config));
  return { keyId: ring.current.id, previousKeyIds: ring.previous.map((k) => k.id), report, unreadable };
}
