/**
 * The CDNOW purchase log imports as transactions with a mapping, and customers 00001, 00002 and 23570's totals match
 * the file (src/test/cdnow.ts). On PGlite here, with the import engine as `hearth demo cdnow` runs it (owning the
 * database: full batches; the sliced background job on PGlite is imports.test.ts and resume.pglite.test.ts); on
 * PostgreSQL the same file goes through HTTP and the background job at the start of analytics/cdnow.postgres.test.ts,
 * whose runs then use the data (one 70,000-row import per database kind).
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
    await importCdnowChecked(ctx, { via: 'exclusive', timeoutMs: 540_000 });
  }, 600_000);
});
