/**
 * Security headers on every response — the API, the web app, its assets, the API document and the households' public
 * pages (issue #18), through @fastify/helmet:
 *
 * - Content-Security-Policy: scripts only from this origin (no inline script anywhere: the built pages load theirs
 *   from files, the server-rendered household pages have none and send a stricter policy of their own); styles from
 *   this origin and inline, because Ant Design's CSS-in-JS writes its styles into <style> elements at run time (a nonce
 *   would need the page templated per request and still would not cover the style attributes components set) — an
 *   injected style cannot run code; images also as data: (QR codes) and blob: (previews); no plugins; forms post only
 *   here; `frame-ancestors 'none'`: no page of Hearth can be framed (clickjacking), with X-Frame-Options for old
 *   browsers.
 * - Strict-Transport-Security only where it means something: `HSTS=auto` (the default) sends it on requests that came
 *   over HTTPS (with TRUST_PROXY, as the proxy's X-Forwarded-Proto says), `on` always, `off` never. Sent over plain
 *   HTTP to a LAN address it would be ignored at best, and `upgrade-insecure-requests` (helmet's default) would break
 *   such an installation outright, so it is not set.
 * - X-Content-Type-Options nosniff, Referrer-Policy same-origin (links in messages carry no path out), and
 *   Cross-Origin-Opener-Policy same-origin. Cross-Origin-Resource-Policy is not set: mail clients on other origins load
 *   the open-tracking image and the company's logo.
 */
import fastifyHelmet from '@fastify/helmet';
import type { Config } from '../config.js';
import type { App } from './server.js';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

export async function registerSecurityHeaders(app: App, config: Pick<Config, 'hsts'>): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    hsts: false,
    crossOriginResourcePolicy: false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  });
  app.addHook('onRequest', async (request, reply) => {
    if (config.hsts === 'on' || (config.hsts === 'auto' && request.protocol === 'https')) reply.header('strict-transport-security', HSTS_VALUE);
  });
}
