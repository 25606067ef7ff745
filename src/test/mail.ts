/**
 * Mail in tests: a real SMTP server on a free local port that keeps what it receives (smtp-server), optionally
 * refusing the first messages with a temporary error (451) so that retries can be checked; and the messaging runtime
 * a test's own sender runs with (the test's clock, no jobs, an optional log).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { MessagingRuntime } from '../modules/messages/index.js';

export type SmtpSink = { port: number; mails: Buffer[]; close: () => Promise<void> };

/** `auth`: the sink asks for this user and password (AUTH PLAIN/LOGIN without TLS, on the loopback) and refuses others. */
export async function startSmtpSink(opts: { refuseFirst?: number; auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const mails: Buffer[] = [];
  let refuse = opts.refuseFirst ?? 0;
  const { auth } = opts;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    ...(auth
      ? {
          allowInsecureAuth: true,
          authOptional: false,
          onAuth(a, _session, cb) {
            if (a.username === auth.user && a.password === auth.pass) cb(null, { user: a.username });
            else cb(Object.assign(new Error('authentication failed'), { responseCode: 535 }));
          },
        }
      : {}),
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          const err = new Error('mailbox busy, try later') as Error & { responseCode: number };
          err.responseCode = 451;
          return cb(err);
        }
        mails.push(Buffer.concat(chunks));
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.server.address() as AddressInfo).port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The runtime of a sender a test drives itself: the test's clock, no jobs to kick. */
export const testMessaging = (now: () => Date, log: (line: string) => void = () => {}): MessagingRuntime => ({ now, kick: async () => {}, log, fallbackUrl: 'http://localhost:3000' });
