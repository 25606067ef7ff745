import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { t } from '../../platform/i18n/index.js';
import { userDirectory } from '../accounts/index.js';
import type { TimelineSource } from '../interactions/index.js';
import { transactions } from './schema.js';

const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Purchases, payments and refunds on the customer timeline: "缴费 ¥2,856.00" with channel, season and notes. */
export const transactionTimelineSource: TimelineSource = {
  kind: 'transaction',
  async events(db, q) {
    const rows = await db
      .select({
        id: transactions.id,
        occurredAt: transactions.occurredAt,
        sortAt: sql<string>`to_char(${transactions.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        type: transactions.type,
        amountFen: transactions.amountFen,
        channel: transactions.channel,
        heatingSeason: transactions.heatingSeason,
        billedAreaM2: transactions.billedAreaM2,
        notes: transactions.notes,
        externalId: transactions.externalId,
        createdBy: transactions.createdBy,
        createdByName: userDirectory.displayName,
      })
      .from(transactions)
      .leftJoin(userDirectory, eq(userDirectory.id, transactions.createdBy))
      .where(
        and(
          eq(transactions.customerId, q.customerId),
          isNull(transactions.deletedAt),
          q.before ? sql`(${transactions.occurredAt}, ${transactions.id}) < (${q.before.at}::timestamptz, ${q.before.id}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(transactions.occurredAt), desc(transactions.id))
      .limit(q.limit);
    return rows.map((r) => ({
      kind: 'transaction',
      id: r.id,
      at: r.occurredAt.toISOString(),
      sortAt: r.sortAt,
      title: t(q.locale, 'timeline.transaction', { type: t(q.locale, `transactions.type.${r.type}`), amount: yuan(r.amountFen) }),
      summary:
        [r.channel, r.heatingSeason ? t(q.locale, 'timeline.heating_season', { season: r.heatingSeason }) : null, r.notes]
          .filter((s): s is string => !!s)
          .join(' · ') || null,
      actor: r.createdBy ? { id: r.createdBy, name: r.createdByName ?? '' } : null,
      data: {
        type: r.type,
        amountFen: r.amountFen,
        channel: r.channel,
        heatingSeason: r.heatingSeason,
        billedAreaM2: r.billedAreaM2,
        notes: r.notes,
        externalId: r.externalId,
      },
    }));
  },
};
