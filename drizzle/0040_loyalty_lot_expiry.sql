ALTER TABLE "points_lots" ADD COLUMN "expired" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "points_lots" ADD COLUMN "expired_by" bigint;--> statement-breakpoint
-- Expiry is recorded on the lot from now on: the expire allocations written so far move onto their lots (a lot
-- expires once), then go.
UPDATE "points_lots" l SET "expired" = a."points", "expired_by" = a."debit_id"
  FROM "points_allocations" a JOIN "points_entries" e ON e."id" = a."debit_id" AND e."kind" = 'expire'
  WHERE a."lot_id" = l."entry_id";--> statement-breakpoint
DELETE FROM "points_allocations" a USING "points_entries" e WHERE e."id" = a."debit_id" AND e."kind" = 'expire';--> statement-breakpoint
ALTER TABLE "points_lots" ADD CONSTRAINT "points_lots_expired" CHECK ("points_lots"."expired" >= 0 and "points_lots"."remaining" + "points_lots"."expired" <= "points_lots"."points" and ("points_lots"."expired" = 0) = ("points_lots"."expired_by" is null));--> statement-breakpoint
-- Room on each page of the members' table: the balance and the yearly review's updates stay on the row's page (HOT,
-- no index entries), measured at 100,000 members: one review slice 339 → 149 ms (pages written from now on).
ALTER TABLE "loyalty_members" SET (fillfactor = 80);
