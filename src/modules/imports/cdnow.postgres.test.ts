/**
 * The CDNOW purchase log imports as transactions with a mapping, and customers 00001, 00002 and 23570's totals match
 * the file (src/test/cdnow.ts). On PostgreSQL here; on PGlite the same import and checks open
 * analytics/cdnow.pglite.test.ts, whose runs then use the data (one 70,000-row import per database kind).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CDNOW_FILE, haveCdnow, importCdnowChecked } from '../../test/cdnow.js';
import { createTestContext, type TestContext } from '../../test/harness.js';

describe.skipIf(!haveCdnow())('CDNOW purchase log as transactions', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it(`imports every line of ${CDNOW_FILE.split('/').pop()} and customer 00001 / 00002 / 23570 totals match the file`, async () => {
    await importCdnowChecked(ctx, { via: 'http', timeoutMs: 240_000 });
  }, 300_000);
});
