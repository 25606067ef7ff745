import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { rowsOf } from './client.js';
import { copyLine, copyTransaction, rebuildTable } from './copy.js';

describe('COPY writes (copy.ts)', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ setup: false });
    await t.database.db.execute(sql`create table copy_probe (id int primary key, label text, amount bigint, score real, doc jsonb)`);
  });
  afterAll(async () => t?.close());

  it('encodes nulls, non-finite numbers and the characters COPY escapes', () => {
    expect(copyLine([1, null, undefined, NaN, 'a\tb\\c\nd\re', { k: '"x"' }])).toBe('1\t\\N\t\\N\t\\N\ta\\tb\\\\c\\nd\\re\t{"k":"\\\\"x\\\\""}\n');
  });

  it('round-trips Chinese text, tabs, newlines, backslashes, quotes and JSON through one transaction', async () => {
    const rows = [
      [1, '暖气不热\t二楼\n"东"屋\\', 12_345_678_901, 57.3, [{ code: 'tag', zh: '标签「欠费\\」', en: 'Tag "arrears\t"', points: 10 }]],
      [2, null, 0, null, { kinds: { economic: 88.8 }, indicators: {} }],
    ];
    await copyTransaction(t.database.db, async (c) => {
      await c.execute('delete from copy_probe');
      await c.copy('copy_probe', ['id', 'label', 'amount', 'score', 'doc'], rows.map(copyLine));
    });
    const back = rowsOf<{ id: number; label: string | null; amount: string | number; score: number | null; doc: unknown }>(
      await t.database.db.execute(sql`select id, label, amount, score, doc from copy_probe order by id`),
    );
    expect(back.map((r) => [r.id, r.label, Number(r.amount), r.score, r.doc])).toEqual([
      [1, '暖气不热\t二楼\n"东"屋\\', 12_345_678_901, expect.closeTo(57.3, 4), rows[0]![4]],
      [2, null, 0, null, rows[1]![4]],
    ]);
  });

  it('writes nothing when the transaction fails part-way', async () => {
    await expect(
      copyTransaction(t.database.db, async (c) => {
        await c.execute('delete from copy_probe');
        await c.copy('copy_probe', ['id', 'label'], [copyLine([3, 'new'])]);
        await c.copy('copy_probe', ['id', 'label'], [copyLine([3, 'duplicate key'])]);
      }),
    ).rejects.toThrow();
    const ids = rowsOf<{ id: number }>(await t.database.db.execute(sql`select id from copy_probe order by id`)).map((r) => r.id);
    expect(ids).toEqual([1, 2]);
  });

  it('rebuilds a table with new rows, keeping its constraints and indexes under their names', async () => {
    const db = t.database.db;
    await t.database.executeSql(`
      create table rb_parent (id int primary key);
      insert into rb_parent values (1), (2);
      create table rb_child (id int primary key, parent_id int references rb_parent (id), code text not null default 'x' check (code <> ''), rank int);
      create unique index rb_child_code_uq on rb_child (code);
      create index rb_child_rank_idx on rb_child (rank desc, id) where rank > 0;
      insert into rb_child values (1, 1, 'a', 1), (2, 2, 'b', 2);`);
    const shape = async () =>
      rowsOf<{ d: string }>(
        await db.execute(sql`
          select d from (
            select conname || ' ' || pg_get_constraintdef(oid) as d from pg_constraint where conrelid = 'rb_child'::regclass
            union all select indexdef from pg_indexes where tablename = 'rb_child') s order by d`),
      ).map((r) => r.d);
    const before = await shape();
    await copyTransaction(db, (c) => rebuildTable(c, 'rb_child', (next) => c.copy(next, ['id', 'parent_id', 'code', 'rank'], [copyLine([7, 2, 'q', 5])])));
    // The same constraints and indexes under the same names (the foreign key is added NOT VALID: not re-checked).
    expect(await shape()).toEqual(before.map((d) => (d.includes('FOREIGN KEY') ? `${d} NOT VALID` : d)));
    expect(rowsOf(await db.execute(sql`select id, parent_id, code, rank from rb_child`))).toEqual([{ id: 7, parent_id: 2, code: 'q', rank: 5 }]);
    // The constraints hold on the new table: the check, the unique index, the default.
    await expect(db.execute(sql`insert into rb_child (id, code) values (8, '')`)).rejects.toThrow();
    await expect(db.execute(sql`insert into rb_child (id, code) values (9, 'q')`)).rejects.toThrow();
    await db.execute(sql`insert into rb_child (id) values (10)`);
    expect(rowsOf<{ code: string }>(await db.execute(sql`select code from rb_child where id = 10`))[0]!.code).toBe('x');
    // A failed fill leaves the old table as it was.
    await expect(
      copyTransaction(db, (c) => rebuildTable(c, 'rb_child', (next) => c.copy(next, ['id', 'code'], [copyLine([11, 'r']), copyLine([11, 's'])]))),
    ).rejects.toThrow();
    expect(rowsOf<{ id: number }>(await db.execute(sql`select id from rb_child order by id`)).map((r) => r.id)).toEqual([7, 10]);
  });
});
