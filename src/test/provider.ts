/**
 * A fake SMS / WeChat provider over HTTP for the message tests: it records every request, answers the aliyun SMS API
 * (Code OK, or an HTTP error status when `status` says so, after `delayMs`) and the WeChat token and template APIs.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type ProviderRequest = { method: string; url: string; headers: IncomingMessage['headers']; body: any };

export class FakeProvider {
  readonly requests: ProviderRequest[] = [];
  /** What the SMS endpoint answers: 200 with Code OK, or an HTTP error status. */
  status = 200;
  /** Messages (the SMS request's OutId) answered with HTTP 500 whatever `status` says: one failure within a batch. */
  readonly failing = new Set<string>();
  delayMs = 0;
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void (async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? JSON.parse(text) : null;
        this.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (this.delayMs) await sleep(this.delayMs);
        const status = this.failing.has(body?.OutId) ? 500 : this.status;
        if (status !== 200) {
          res.writeHead(status, { 'content-type': 'text/plain' }).end('Internal Server Error');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url!.startsWith('/cgi-bin/token')) res.end(JSON.stringify({ access_token: 'TOKEN-1', expires_in: 7200 }));
        else if (req.url!.startsWith('/cgi-bin/message/template/send')) res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', msgid: 4000001 }));
        else res.end(JSON.stringify({ Code: 'OK', Message: 'OK', BizId: `biz-${this.requests.length}`, RequestId: 'r' }));
      })().catch(() => res.destroy())); // a failure while answering drops the connection: the client under test sees it
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  smsFor(messageId: string): ProviderRequest[] {
    return this.requests.filter((r) => r.body?.OutId === messageId);
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
