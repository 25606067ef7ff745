/**
 * The administrator's own desk in the demo (演示: 管理员的工作台): what the person who loads the demo — and then signs in
 * to look at it — finds as their own, so that their pages are not empty either:
 *
 * - 我的任务: three tasks of theirs (one overdue, one due on the as-of day, one in the days after);
 * - 报表中心: a subscription to the weekly service report, by e-mail to themselves;
 * - 停暖 / 抢修通知: one outage notice sent to the households of one building, a few days before the as-of day;
 * - API 令牌: the read-only token an integration (the billing system) would hold. Its secret is thrown away at once:
 *   a row to show and revoke, not a working credential;
 * - 个人信息请求: a household's request for a copy of its data, verified at the counter and answered, and another's
 *   correction request still being handled (so the register shows both an answered and an open request).
 *
 * Deterministic by (seed, size, asOf) like the rest of the history (activity.ts plays these scripts in order, each in
 * one transaction with its checkpoint, so a resumed load never plays one twice).
 */
import type { DbOrTx } from '../../platform/db/client.js';
import { Random } from '../../platform/random.js';
import { actorOfUser, createToken, usersHoldingPermission } from '../accounts/index.js';
import type { Actor } from '../../platform/auth/permissions.js';
import { createTask } from '../interactions/index.js';
import { createTemplate } from '../messages/index.js';
import { createNotice } from '../heating/index.js';
import { createPrivacyRequest, updatePrivacyRequest } from '../privacy/index.js';
import { createSubscription } from '../reports/index.js';
import type { TicketsRuntime } from '../tickets/index.js';
import { household, type DemoPlan } from './generator.js';
import type { ActivityDeps } from './activity.js';
import { HOUR, DAY } from './clock.js';


type Base = { kind: 'desk'; at: Date };
export type DeskScript = (Base & { step: 'notice'; household: number }) | (Base & { step: 'tasks'; dueAt: Date[] }) | (Base & { step: 'report' }) | (Base & { step: 'token' })
  | (Base & { step: 'privacy'; households: [number, number] });

const TASKS = ['复核本月欠费大户名单并安排催缴', '审批本月积分调整申请', '准备本供暖季客户服务周报'] as const;

/** The desk's scripts: the notice four days before the horizon (10:00 Beijing), the tasks and the subscription just before it. */
export function planDesk(plan: DemoPlan, horizon: number): DeskScript[] {
  const r = new Random(plan.params.seed * 7919 + 17);
  return [
    { kind: 'desk', step: 'notice', at: new Date(horizon - 4 * DAY + 2 * HOUR), household: r.int(0, plan.params.size - 1) },
    // Overdue (the day before), due on the as-of day (at its end, so it stays "today" all day), and three days later.
    { kind: 'desk', step: 'tasks', at: new Date(horizon - 2 * DAY), dueAt: [new Date(horizon - DAY + HOUR), new Date(horizon + DAY - 60_000), new Date(horizon + 3 * DAY + 2 * HOUR)] },
    { kind: 'desk', step: 'report', at: new Date(horizon - 2 * DAY + 1) },
    { kind: 'desk', step: 'token', at: new Date(horizon - 2 * DAY + 2) },
    { kind: 'desk', step: 'privacy', at: new Date(horizon - 2 * DAY + 3), households: [r.int(0, plan.params.size - 1), r.int(0, plan.params.size - 1)] },
  ];
}

/** Plays one desk script in the caller's transaction, in the name of the loading administrator. */
export async function playDesk(tx: DbOrTx, plan: DemoPlan, script: DeskScript, deps: ActivityDeps): Promise<void> {
  // The administrator who signs in to the demo: the loading user, or (`hearth demo load`, a system actor) the first
  // user who manages users — the one the command's first-run setup made.
  const adminId = deps.actor.userId ?? (await usersHoldingPermission(tx, 'user:manage'))[0];
  const actor = adminId ? await actorOfUser(tx, adminId) : null;
  if (!actor) return;
  if (script.step === 'tasks') {
    for (const [k, title] of TASKS.entries()) await createTask(tx, actor, { type: 'other', title, dueAt: script.dueAt[k]!, assigneeId: adminId });
    return;
  }
  if (script.step === 'token') {
    await createToken(tx, actor, { name: '缴费系统对接（只读）', permissions: ['customer:read'], expiresInDays: 365 });
    return;
  }
  if (script.step === 'report') {
    await createSubscription(tx, actor, { kind: 'service', cadence: 'week', format: 'both', recipients: [`${actor.username}@example.com`] });
    return;
  }
  if (script.step === 'privacy') {
    await playPrivacy(tx, plan, script, actor);
    return;
  }
  const h = household(plan, script.household).customer;
  const rt: TicketsRuntime = { ...deps.runtime, now: () => script.at, kick: async () => undefined };
  // A kept template of the 事务 category (a notice typed on the spot would be kept under a name with its random id).
  const tpl = await createTemplate(tx, actor, {
    name: '停暖通知（管网抢修）',
    channel: 'sms',
    category: 'transactional',
    bodyZh: '【停暖通知】{{name}}您好，您所在楼栋因二次管网抢修，今日 10:00–16:00 暂停供暖，给您带来不便敬请谅解。',
    bodyEn: 'Heating outage: dear {{name}}, heating in your building is off today 10:00–16:00 for an urgent pipe repair. We apologise for the inconvenience.',
  });
  await createNotice(tx, actor, { kind: 'outage', compound: h.compound, building: h.building, templateId: tpl.id }, rt);
}

/**
 * Two requests under PIPL: a copy request received 12 days before, verified by ID card at the counter and answered
 * (the export handed over), and a correction request received 3 days before, verified by phone and in progress.
 */
async function playPrivacy(tx: DbOrTx, plan: DemoPlan, script: Extract<DeskScript, { step: 'privacy' }>, actor: Actor): Promise<void> {
  const [a, b] = script.households.map((k) => household(plan, k).customer);
  const receivedCopy = new Date(script.at.getTime() - 10 * DAY);
  const copy = await createPrivacyRequest(
    tx,
    actor,
    { kind: 'copy', channel: 'counter', requesterName: a!.name, details: '要求提供本人在系统中的全部个人信息副本', customerId: a!.id, receivedAt: receivedCopy.toISOString(), verification: { method: 'id_document', note: '核对身份证后四位' } },
    receivedCopy,
  );
  await updatePrivacyRequest(tx, actor, copy.id, { status: 'in_progress' }, new Date(receivedCopy.getTime() + HOUR));
  await updatePrivacyRequest(tx, actor, copy.id, { status: 'answered', answer: '已于柜台交付个人信息导出文件（ZIP），住户签收。' }, new Date(receivedCopy.getTime() + 2 * DAY));
  const receivedFix = new Date(script.at.getTime() - DAY);
  const fix = await createPrivacyRequest(
    tx,
    actor,
    { kind: 'correction', channel: 'phone', requesterName: b!.name, details: '住户来电要求更正登记的联系电话和房屋面积', customerId: b!.id, receivedAt: receivedFix.toISOString(), verification: { method: 'phone_code', note: '预留手机号验证码' } },
    receivedFix,
  );
  await updatePrivacyRequest(tx, actor, fix.id, { status: 'in_progress' }, new Date(receivedFix.getTime() + HOUR));
}
