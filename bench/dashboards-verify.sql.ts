/**
 * The independent SQL of bench/dashboards-verify.ts: for each dashboard tile, its figures recomputed from the tables by
 * the definitions the tiles describe (issue #17) — not by the modules' code. Keyed by tile; each returns the expected
 * value of every stat (`s0`, `s1` …) and chart point (`c0` …), null where there is nothing to compute, or a reason
 * where this script does not recompute the figure.
 */

export type Stat = { label: string; value: number | null; unit: string; link: string | null };
export type Tile = { key: string; title: string; stats: Stat[]; chart: { x: string[]; series: { name: string; values: (number | null)[]; links: (string | null)[] }[] } | null; link: string | null };
export type Home = { board: string; boards: string[]; asOf: string; tiles: Tile[] };

/** Who reads the board: the user's id, whether their data scope is everything, and whether they manage feedback. */
export type Who = { id: string; all: boolean; feedbackManage: boolean; label: string };
/** One figure: by stat index (`s0`, `s1` …) or chart point (`c0` …); null: nothing to compute; undefined: not recomputed. */
export type Expected = Record<string, number | null | { skip: string }>;
export type Ctx = { q: (text: string) => Promise<Record<string, unknown>[]>; who: Who; now: string; zone: string; api: { get<T>(url: string): Promise<T> } };

export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ts = (ctx: Ctx) => `${lit(ctx.now)}::timestamptz`;
/** Customers (alias) the reader sees: scope `all`, or their own (owner). */
const scopeC = (who: Who, alias = 'c') => (who.all ? 'true' : `${alias}.owner_id = ${lit(who.id)}::uuid`);
/** A customer id column the reader sees. */
const scopeId = (who: Who, col: string) => (who.all ? 'true' : `${col} in (select c.id from customers c where c.owner_id = ${lit(who.id)}::uuid)`);
/** The company day's / month's first instant, `back` days or months before now's (company zone). */
const dayStart = (ctx: Ctx, back = 0) => `((date_trunc('day', ${ts(ctx)} at time zone ${lit(ctx.zone)}) - interval '${back} days') at time zone ${lit(ctx.zone)})`;
const monthStart = (ctx: Ctx, back = 0) => `((date_trunc('month', ${ts(ctx)} at time zone ${lit(ctx.zone)}) - interval '${back} months') at time zone ${lit(ctx.zone)})`;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round1 = (x: number) => Math.round(x * 10) / 10;
export const skip = (reason: string) => ({ skip: reason });

/** The latest finished analytics runs, newest first. */
async function runs(ctx: Ctx): Promise<string[]> {
  return (await ctx.q(`select id from analytics_runs where status = 'done' order by finished_at desc, id desc limit 2`)).map((r) => String(r.id));
}

export const SQL_TILES: Record<string, (ctx: Ctx, tile: Tile) => Promise<Expected>> = {
  // Open tickets assigned to me that I see (the queue's rule: no customer, assigned to me, or my customer's).
  async 'tickets.mine'(ctx) {
    const u = lit(ctx.who.id);
    const vis = ctx.who.all ? 'true' : `(t.customer_id is null or t.assignee_id = ${u}::uuid or c.owner_id = ${u}::uuid)`;
    const due = `least(case when k.first_responded_at is null then k.first_response_due_at end, k.resolution_due_at)`;
    const [r] = await ctx.q(`
      select count(*)::int as open,
             count(*) filter (where k.resolved_at is null and ${due} <= coalesce(k.paused_at, ${ts(ctx)}))::int as breached
        from tickets t left join customers c on c.id = t.customer_id left join ticket_sla_clocks k on k.ticket_id = t.id
       where t.deleted_at is null and t.status not in ('resolved', 'closed') and t.assignee_id = ${u}::uuid and ${vis}`);
    return { s0: num(r!.open), s1: num(r!.breached), s2: skip('warning needs the SLA business calendar') };
  },
  // This company month: resolution compliance over the targets settled in it, complaints, per 1,000 customers, chart.
  async 'tickets.service'(ctx) {
    const from = monthStart(ctx);
    const to = `((date_trunc('month', ${ts(ctx)} at time zone ${lit(ctx.zone)}) + interval '1 month') at time zone ${lit(ctx.zone)})`;
    const vis = ctx.who.all ? 'true' : `(t.customer_id is null or t.assignee_id = ${lit(ctx.who.id)}::uuid or c.owner_id = ${lit(ctx.who.id)}::uuid)`;
    const live = `t.deleted_at is null and t.merged_into_id is null and ${vis}`;
    // Settled: met when the clock stopped by the due time (at the stop), missed when the due time passed first (at it).
    const [s] = await ctx.q(`
      with x as (
        select case when k.resolved_at <= k.resolution_due_at then k.resolved_at
                    when k.resolved_at > k.resolution_due_at or (k.resolved_at is null and k.resolution_due_at < coalesce(k.paused_at, ${ts(ctx)})) then k.resolution_due_at end as settled,
               k.resolved_at is not null and k.resolved_at <= k.resolution_due_at as met
          from tickets t join ticket_sla_clocks k on k.ticket_id = t.id left join customers c on c.id = t.customer_id
         where ${live})
      select count(*)::int as settled, count(*) filter (where met)::int as met from x where settled >= ${from} and settled < ${to}`);
    const months = await ctx.q(`
      select m.i, (select count(*)::int from tickets t left join customers c on c.id = t.customer_id
                    where ${live} and t.type = 'complaint'
                      and t.created_at >= ((date_trunc('month', ${ts(ctx)} at time zone ${lit(ctx.zone)}) - (5 - m.i) * interval '1 month') at time zone ${lit(ctx.zone)})
                      and t.created_at < ((date_trunc('month', ${ts(ctx)} at time zone ${lit(ctx.zone)}) - (4 - m.i) * interval '1 month') at time zone ${lit(ctx.zone)})) as n
        from generate_series(0, 5) m(i) order by m.i`);
    const [cust] = await ctx.q(`select count(*)::int as n from customers c where c.deleted_at is null and ${scopeC(ctx.who)}`);
    const complaints = Number(months[5]!.n);
    const settled = Number(s!.settled);
    const out: Expected = {
      s0: settled ? round1((Number(s!.met) / settled) * 100) : null,
      s1: complaints,
      s2: Number(cust!.n) ? round1((complaints * 1000) / Number(cust!.n)) : null,
      s3: skip('median first response needs the SLA business calendar'),
      // The rate drills to this month's complaints: they add up to its numerator.
      'd:s2': complaints,
    };
    months.forEach((m, i) => (out[`c${i}`] = Number(m.n)));
    return out;
  },
  // My open tasks due before now / later today (company day), and mine completed today.
  async 'interactions.tasks'(ctx) {
    const u = lit(ctx.who.id);
    const [r] = await ctx.q(`
      select count(*) filter (where status = 'open' and due_at >= ${ts(ctx)} and due_at < ${dayStart(ctx, -1)})::int as today,
             count(*) filter (where status = 'open' and due_at < ${ts(ctx)})::int as overdue,
             count(*) filter (where status = 'done' and completed_at >= ${dayStart(ctx)} and completed_at < ${dayStart(ctx, -1)})::int as done
        from tasks where assignee_id = ${u}::uuid`);
    return { s0: num(r!.today), s1: num(r!.overdue), s2: num(r!.done) };
  },
  // Feedback I see waiting (new, in progress, past due) and this month's share of negative items.
  async 'feedback.inbox'(ctx) {
    const reached = scopeId(ctx.who, 'f.customer_id');
    const vis = ctx.who.feedbackManage ? `(f.customer_id is null or ${reached})` : `(f.customer_id is not null and ${reached})`;
    const [r] = await ctx.q(`
      select count(*) filter (where f.status = 'new')::int as fresh,
             count(*) filter (where f.status = 'in_progress')::int as working,
             count(*) filter (where f.status in ('new', 'in_progress') and f.due_at < ${ts(ctx)})::int as overdue,
             count(*) filter (where f.created_at >= ${monthStart(ctx)})::int as month,
             count(*) filter (where f.created_at >= ${monthStart(ctx)} and coalesce(f.sentiment_corrected, f.sentiment) = 'neg')::int as negative
        from feedback_items f where f.deleted_at is null and ${vis}`);
    const month = Number(r!.month);
    // The share drills to this month's negative items: they add up to its numerator.
    return { s0: num(r!.fresh), s1: num(r!.working), s2: num(r!.overdue), s3: month ? Math.round((Number(r!.negative) * 1000) / month) / 10 : null, 'd:s3': num(r!.negative) };
  },
  // The hot-topic window's items: the last 7 company days up to now.
  async 'feedback.hot_topics'(ctx) {
    const reached = scopeId(ctx.who, 'f.customer_id');
    const vis = ctx.who.feedbackManage ? `(f.customer_id is null or ${reached})` : `(f.customer_id is not null and ${reached})`;
    const [r] = await ctx.q(`select count(*)::int as n from feedback_items f where f.deleted_at is null and ${vis} and f.created_at >= ${dayStart(ctx, 6)} and f.created_at <= ${ts(ctx)}`);
    return { s0: skip('the hot-topic rule (z-scores against 4 baseline weeks)'), s1: num(r!.n) };
  },
  async 'goals.progress'() {
    return { s0: skip('goal progress (each goal metric); checked by its drill-down'), s1: skip('goal progress (each goal metric); checked by its drill-down') };
  },
  // My tickets created this company month (not merged duplicates); the score, rank and SLA are the performance report's.
  async 'performance.mine'(ctx) {
    const [r] = await ctx.q(`
      select count(*)::int as n from tickets t
       where t.deleted_at is null and t.merged_into_id is null and t.assignee_id = ${lit(ctx.who.id)}::uuid
         and t.created_at >= ${monthStart(ctx)} and t.created_at < ((date_trunc('month', ${ts(ctx)} at time zone ${lit(ctx.zone)}) + interval '1 month') at time zone ${lit(ctx.zone)})`);
    const why = 'the incentive score (performance settings and the month of every agent)';
    return { s0: skip(why), s1: skip(why), s2: num(r!.n), s3: skip('per-agent SLA share: checked in the performance tests') };
  },
  // The customers I see, by the latest finished run's value tier (its history rows), and their CLV.
  async 'analytics.book'(ctx) {
    const [run] = await runs(ctx);
    if (!run) return { s0: null, s1: null, s2: null } as Expected;
    const [r] = await ctx.q(`
      select count(*)::int as customers,
             count(*) filter (where h.value_tier = 'high')::int as high, count(*) filter (where h.value_tier = 'middle')::int as middle,
             count(*) filter (where h.value_tier = 'low')::int as low, coalesce(sum(h.clv_fen), 0)::float8 as clv
        from customers c left join analytics_customer_history h on h.customer_id = c.id and h.run_id = ${lit(run)}::uuid
       where c.deleted_at is null and ${scopeC(ctx.who)}`);
    const [n, high, middle, low] = [r!.customers, r!.high, r!.middle, r!.low].map(Number) as [number, number, number, number];
    return { s0: n, s1: high, s2: Math.round(Number(r!.clv)), c0: high, c1: middle, c2: low, c3: n - high - middle - low };
  },
  async 'analytics.risk'(ctx) {
    const [run] = await runs(ctx);
    if (!run) return { s0: null };
    const [r] = await ctx.q(`
      select count(*)::int as n from analytics_customer_history h join customers c on c.id = h.customer_id
       where h.run_id = ${lit(run)}::uuid and h.churn_level = 'high' and c.deleted_at is null and ${scopeC(ctx.who)}`);
    return { s0: num(r!.n) };
  },
  async 'analytics.movement'(ctx) {
    const [last, prev] = await runs(ctx);
    if (!last || !prev) return { s0: null, s1: null };
    const rank = (a: string) => `(case ${a}.value_tier when 'high' then 3 when 'middle' then 2 else 1 end)`;
    const [r] = await ctx.q(`
      select count(*) filter (where ${rank('l')} > ${rank('p')})::int as up, count(*) filter (where ${rank('l')} < ${rank('p')})::int as down
        from analytics_customer_history l join analytics_customer_history p on p.customer_id = l.customer_id and p.run_id = ${lit(prev)}::uuid
        join customers c on c.id = l.customer_id
       where l.run_id = ${lit(last)}::uuid and c.deleted_at is null and ${scopeC(ctx.who)}`);
    return { s0: num(r!.up), s1: num(r!.down) };
  },
  // This week's (Monday to Sunday, company days) birthdays of my customers — recomputed for the demo's rules only: one
  // active birthday rule for everyone, no active anniversary rule, and no lunar birthdays among my customers.
  async 'care.occasions'(ctx) {
    const u = lit(ctx.who.id);
    const [g] = await ctx.q(`
      select (select count(*) from care_rules where active and occasion = 'birthday' and audience = '{}'::jsonb)::int as everyone,
             (select count(*) from care_rules where active and (occasion = 'anniversary' or (occasion = 'birthday' and audience <> '{}'::jsonb)))::int as others,
             (select count(*) from customers c where c.owner_id = ${u}::uuid and c.deleted_at is null and c.lunar_birthday is not null)::int as lunar`);
    if (Number(g!.others) || Number(g!.lunar)) {
      const why = 'care occasions beyond the demo (audiences, anniversaries, lunar birthdays)';
      return { s0: skip(why), s1: skip(why), s2: skip(why) };
    }
    const days = await ctx.q(`
      with d as (select (date_trunc('week', (${ts(ctx)} at time zone ${lit(ctx.zone)})::date)::date + i)::date as day from generate_series(0, 6) i)
      select d.day, count(c.id)::int as n from d
        left join customers c on ${Number(g!.everyone) ? 'true' : 'false'} and c.owner_id = ${u}::uuid and c.deleted_at is null and c.birthday is not null
             and (to_char(c.birthday, 'MM-DD') = to_char(d.day, 'MM-DD')
                  or (to_char(c.birthday, 'MM-DD') = '02-29' and to_char(d.day, 'MM-DD') = '02-28'
                      and extract(day from (date_trunc('year', d.day) + interval '1 month 28 days')) <> 29))
       group by d.day order by d.day`);
    const total = days.reduce((n, d) => n + Number(d.n), 0);
    const out: Expected = { s0: total, s1: total, s2: 0 };
    days.forEach((d, i) => (out[`c${i}`] = Number(d.n)));
    return out;
  },
  // Active members I see, the balances × the point value, points redeemed and referrals rewarded this month, by tier.
  async 'loyalty.overview'(ctx) {
    const programme = await ctx.api.get<{ pointValueFen: number; tiers: { key: string }[] }>('/api/v1/loyalty/programme');
    const f = (col: string) => scopeId(ctx.who, col);
    const to = `((date_trunc('month', ${ts(ctx)} at time zone ${lit(ctx.zone)}) + interval '1 month') at time zone ${lit(ctx.zone)})`;
    const [r] = await ctx.q(`
      select (select count(*) from loyalty_members m where m.status = 'active' and ${f('m.customer_id')})::int as members,
             (select coalesce(sum(m.balance), 0) from loyalty_members m where ${f('m.customer_id')})::float8 as points,
             (select coalesce(-sum(e.points), 0) from points_entries e where e.kind = 'redeem' and e.occurred_at >= ${monthStart(ctx)} and e.occurred_at < ${to} and ${f('e.customer_id')})::float8 as redeemed,
             (select count(*) from loyalty_referrals r where r.status = 'rewarded' and r.rewarded_at >= ${monthStart(ctx)} and r.rewarded_at < ${to}
                 and (${f('r.referrer_id')} or ${f('r.referee_id')}))::int as referrals`);
    const tiers = await ctx.q(`select m.tier, count(*)::int as n from loyalty_members m where m.status = 'active' and ${f('m.customer_id')} group by m.tier`);
    const byTier = new Map(tiers.map((x) => [String(x.tier), Number(x.n)]));
    const order = [...programme.tiers.map((x) => x.key), ...[...byTier.keys()].filter((k) => !programme.tiers.some((x) => x.key === k)).sort()];
    const out: Expected = { s0: num(r!.members), s1: Number(r!.points) * programme.pointValueFen, s2: num(r!.redeemed), s3: num(r!.referrals) };
    order.forEach((k, i) => (out[`c${i}`] = byTier.get(k) ?? 0));
    return out;
  },
  async 'segments.sizes'(ctx) {
    const [r] = await ctx.q(`select count(*)::int as n, count(*) filter (where kind = 'dynamic')::int as dynamic from segments where deleted_at is null`);
    return { s0: num(r!.n), s1: num(r!.dynamic) };
  },
  async 'campaigns.running'(ctx) {
    const { approvalLimitFen } = await ctx.api.get<{ approvalLimitFen: number }>('/api/v1/campaigns/settings');
    const [r] = await ctx.q(`
      select count(*) filter (where status = 'running')::int as running, count(*) filter (where status = 'scheduled')::int as scheduled,
             count(*) filter (where status in ('draft', 'scheduled') and budget_fen > ${Number(approvalLimitFen)} and approved_at is null)::int as approval
        from campaigns where deleted_at is null`);
    return { s0: num(r!.running), s1: num(r!.scheduled), s2: num(r!.approval) };
  },
  // NPS (promoters − detractors, % of answers), CSAT (share of 4–5) of the last 90 days, response rate, monthly NPS.
  async 'surveys.satisfaction'(ctx) {
    const since = `(${ts(ctx)} - interval '90 days')`;
    const resp = `survey_responses r join surveys s on s.id = r.survey_id and s.deleted_at is null`;
    const scopeR = ctx.who.all ? 'true' : `r.customer_id is not null and ${scopeId(ctx.who, 'r.customer_id')}`;
    const [r] = await ctx.q(`
      select count(*) filter (where r.nps between 0 and 10)::int as n, count(*) filter (where r.nps between 9 and 10)::int as pro, count(*) filter (where r.nps between 0 and 6)::int as det,
             count(*) filter (where r.csat between 1 and 5)::int as cn, count(*) filter (where r.csat between 4 and 5)::int as sat
        from ${resp} where r.status = 'complete' and r.completed_at >= ${since} and ${scopeR}`);
    const [inv] = await ctx.q(`
      select count(*)::int as invited, count(*) filter (where i.status = 'responded')::int as responded
        from survey_invitations i join surveys s on s.id = i.survey_id and s.deleted_at is null
       where i.status <> 'withdrawn' and i.created_at >= ${since} and ${scopeId(ctx.who, 'i.customer_id')}`);
    const months = await ctx.q(`
      select m.i, count(r.id) filter (where r.nps between 0 and 10)::int as n, count(r.id) filter (where r.nps between 9 and 10)::int as pro, count(r.id) filter (where r.nps between 0 and 6)::int as det
        from generate_series(0, 5) m(i)
        left join ${resp} on r.status = 'complete' and ${scopeR}
             and r.completed_at >= ((date_trunc('month', ${ts(ctx)} at time zone ${lit(ctx.zone)}) - (5 - m.i) * interval '1 month') at time zone ${lit(ctx.zone)})
             and r.completed_at < ((date_trunc('month', ${ts(ctx)} at time zone ${lit(ctx.zone)}) - (4 - m.i) * interval '1 month') at time zone ${lit(ctx.zone)})
       group by m.i order by m.i`);
    const nps = (x: Record<string, unknown>) => (Number(x.n) ? (100 * (Number(x.pro) - Number(x.det))) / Number(x.n) : null);
    const out: Expected = {
      s0: nps(r!),
      s1: Number(r!.cn) ? (100 * Number(r!.sat)) / Number(r!.cn) : null,
      s2: Number(inv!.invited) ? (100 * Number(inv!.responded)) / Number(inv!.invited) : null,
    };
    months.forEach((m, i) => (out[`c${i}`] = nps(m)));
    return out;
  },
  // Messages put in the outbox in the last 7 days (customers I see): sent, failed, and held back by each rule.
  async 'messages.delivery'(ctx) {
    const [r] = await ctx.q(`
      select count(*) filter (where m.status = 'sent')::int as sent, count(*) filter (where m.status = 'failed')::int as failed,
             count(*) filter (where m.status = 'suppressed' and m.reason = 'no_consent')::int as no_consent,
             count(*) filter (where m.status = 'queued' and m.reason = 'quiet_hours')::int as quiet,
             count(*) filter (where m.status = 'suppressed' and m.reason = 'frequency_cap')::int as cap
        from messages m where m.created_at >= ${ts(ctx)} - interval '7 days' and ${scopeId(ctx.who, 'm.customer_id')}`);
    return { s0: num(r!.sent), s1: num(r!.failed), s2: num(r!.no_consent), s3: num(r!.quiet), s4: num(r!.cap) };
  },
  async 'accounts.users'(ctx) {
    const [r] = await ctx.q(`
      select count(*) filter (where active)::int as active, count(*) filter (where active and last_login_at >= ${ts(ctx)} - interval '7 days')::int as recent,
             count(*) filter (where not active)::int as disabled from users`);
    return { s0: num(r!.active), s1: num(r!.recent), s2: num(r!.disabled) };
  },
  // Imports of the last 7 days (the administrator sees every kind and everyone's), not the uploads never started.
  async 'imports.recent'(ctx) {
    const mine = ctx.who.all ? 'true' : `j.created_by = ${lit(ctx.who.id)}::uuid`;
    const [r] = await ctx.q(`
      select count(*)::int as n, count(*) filter (where j.status = 'failed')::int as failed, coalesce(sum(j.rejected), 0)::int as rejected
        from import_jobs j where j.status <> 'pending' and not (j.status = 'cancelled' and j.started_at is null and j.processed_rows = 0)
         and ${mine} and j.created_at >= ${ts(ctx)} - interval '7 days'`);
    return { s0: num(r!.n), s1: num(r!.failed), s2: num(r!.rejected) };
  },
  async 'dashboards.system'(ctx) {
    const [r] = await ctx.q(`
      select pg_database_size(current_database())::float8 as size,
             (select count(*) from pgboss.job where state = 'failed' and completed_on >= ${ts(ctx)} - interval '24 hours')
               + (select count(*) from pgboss.archive where state = 'failed' and completed_on >= ${ts(ctx)} - interval '24 hours') as failed`);
    return { s0: skip(`the size moves with every write (SQL now: ${Number(r!.size)})`), s1: skip('the queue moves under a live read'), s2: skip('the queue moves under a live read'), s3: num(r!.failed) };
  },
};
