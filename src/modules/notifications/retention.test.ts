/**
 * The retention of notifications through HTTP with an injected clock: notifications made by their producer (a ticket
 * assigned) at known ages, some read; the daily cleanup deletes exactly the read ones older than 90 days and any older
 * than 180 — of every user, across slices — and a second run deletes nothing; the cleanup is claimed once per company
 * day, from 03:00 company time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import type { NotificationPage, NotificationView } from './notifications.contract.js';
import { claimDailyCleanup, deleteExpiredNotifications } from './retention.js';

/** A Beijing wall-clock time as an instant. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const DAY_MS = 24 * 3600_000;
/** When the cleanup runs. */
const RUN = bj('2027-01-10 03:30');
let now = bj('2026-06-01 09:00');
const clock = () => now;

let ctx: TestContext;
let alice: Client;
let bob: Client;

/** A notification's age at RUN (days, and minutes more or fewer), whether it is read, whose, and whether it stays. */
type Case = { title: string; days: number; minutes?: number; read: boolean; who: 'alice' | 'bob'; kept: boolean };
const CASES: Case[] = [
  { title: '200 天未读', days: 200, read: false, who: 'bob', kept: false },
  { title: '181 天已读', days: 181, read: true, who: 'alice', kept: false },
  { title: '180 天零 1 分未读', days: 180, minutes: 1, read: false, who: 'bob', kept: false },
  { title: '差 1 分 180 天未读', days: 180, minutes: -1, read: false, who: 'alice', kept: true },
  { title: '121 天已读', days: 121, read: true, who: 'bob', kept: false },
  { title: '120 天未读', days: 120, read: false, who: 'bob', kept: true },
  { title: '100 天未读', days: 100, read: false, who: 'alice', kept: true },
  { title: '90 天零 1 分已读', days: 90, minutes: 1, read: true, who: 'alice', kept: false },
  { title: '差 1 分 90 天已读', days: 90, minutes: -1, read: true, who: 'bob', kept: true },
  { title: '30 天已读', days: 30, read: true, who: 'alice', kept: true },
  { title: '1 天未读', days: 1, read: false, who: 'bob', kept: true },
];

const clientOf = (who: Case['who']) => (who === 'alice' ? alice : bob);
const titlesOf = async (as: Client) =>
  ok<NotificationPage>(await as.get('/api/v1/notifications?limit=100'))
    .items.map((n) => n.body!.replace('系统管理员 分派：', ''))
    .sort();
const expected = (who: Case['who'], kept: boolean | null) =>
  CASES.filter((c) => c.who === who && (kept === null || c.kept === kept))
    .map((c) => c.title)
    .sort();

describe('notification retention', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    const team = ok<{ id: string }>(await ctx.admin.post('/api/v1/teams', { name: '客服一班', kind: 'group' }), 201).id;
    for (const [username, displayName] of [
      ['wangli', '王丽'],
      ['liqiang', '李强'],
    ]) {
      ok(await ctx.admin.post('/api/v1/users', { username, displayName, password: 'Passw0rd!', roleKey: 'agent', teamId: team }), 201);
    }
    alice = await ctx.login('wangli', 'Passw0rd!');
    bob = await ctx.login('liqiang', 'Passw0rd!');
    // Oldest first, as time passes: each ticket assigned at creation notifies its assignee at that moment.
    for (const c of [...CASES].sort((a, b) => b.days * 1440 + (b.minutes ?? 0) - (a.days * 1440 + (a.minutes ?? 0)))) {
      now = new Date(RUN.getTime() - c.days * DAY_MS - (c.minutes ?? 0) * 60_000);
      const as = clientOf(c.who);
      ok(await ctx.admin.post('/api/v1/tickets', { title: c.title, type: 'inquiry', customerId: null, assigneeId: as.userId }), 201);
      const [n] = ok<NotificationPage>(await as.get('/api/v1/notifications?limit=1')).items;
      expect(n).toMatchObject({ kind: 'ticket_assigned', body: `系统管理员 分派：${c.title}`, createdAt: now.toISOString() });
      if (c.read) ok<NotificationView>(await as.post(`/api/v1/notifications/${n!.id}/read`));
    }
  });
  afterAll(() => ctx.close());

  it('deletes exactly the read notifications older than 90 days and any older than 180, of every user; again: nothing', async () => {
    expect(await titlesOf(alice)).toEqual(expected('alice', null));
    expect(await titlesOf(bob)).toEqual(expected('bob', null));
    now = RUN;
    // Two rows a slice: the walk crosses users and steps over the unread rows it keeps.
    expect(await deleteExpiredNotifications(ctx.database.db, now, { sliceSize: 2 })).toBe(CASES.filter((c) => !c.kept).length);
    expect(await titlesOf(alice)).toEqual(expected('alice', true));
    expect(await titlesOf(bob)).toEqual(expected('bob', true));
    // The unread count counts the unread ones kept.
    const unreadKept = (who: Case['who']) => CASES.filter((c) => c.who === who && c.kept && !c.read).length;
    expect(ok<{ unread: number }>(await bob.get('/api/v1/notifications/unread-count')).unread).toBe(unreadKept('bob'));
    expect(ok<{ unread: number }>(await alice.get('/api/v1/notifications/unread-count')).unread).toBe(unreadKept('alice'));

    // Idempotent: a second run (in one slice, or in slices) deletes nothing.
    expect(await deleteExpiredNotifications(ctx.database.db, now)).toBe(0);
    expect(await deleteExpiredNotifications(ctx.database.db, now, { sliceSize: 1 })).toBe(0);
    expect(await titlesOf(alice)).toEqual(expected('alice', true));
    expect(await titlesOf(bob)).toEqual(expected('bob', true));

    // A stopped run deletes nothing more (the rest goes the next day).
    now = new Date(RUN.getTime() + 100 * DAY_MS);
    const stopped = new AbortController();
    stopped.abort();
    expect(await deleteExpiredNotifications(ctx.database.db, now, { signal: stopped.signal })).toBe(0);
    expect(await titlesOf(bob)).toEqual(expected('bob', true));
    // 100 days on: the read 30 天已读 (then 130 days old) goes, and every other but 1 天未读 (101 days, unread) is past 180.
    expect(await deleteExpiredNotifications(ctx.database.db, now)).toBe(CASES.filter((c) => c.kept).length - 1);
    expect(await titlesOf(alice)).toEqual([]);
    expect(await titlesOf(bob)).toEqual(['1 天未读']);
  });

  it('is claimed once per company day, from 03:00 company time', async () => {
    const db = ctx.database.db;
    expect(await claimDailyCleanup(db, bj('2027-02-01 02:59'))).toBe(false); // before 03:00
    expect(await claimDailyCleanup(db, bj('2027-02-01 03:00'))).toBe(true);
    expect(await Promise.all([claimDailyCleanup(db, bj('2027-02-01 03:01')), claimDailyCleanup(db, bj('2027-02-01 03:01'))])).toEqual([false, false]);
    expect(await claimDailyCleanup(db, bj('2027-02-01 23:59'))).toBe(false);
    expect(await claimDailyCleanup(db, bj('2027-02-02 01:00'))).toBe(false);
    // The next company day: one of two racing checks claims it.
    expect((await Promise.all([claimDailyCleanup(db, bj('2027-02-02 09:00')), claimDailyCleanup(db, bj('2027-02-02 09:00'))])).sort()).toEqual([false, true]);
  });
});
