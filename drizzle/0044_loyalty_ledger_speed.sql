ALTER TABLE "points_entries" DROP CONSTRAINT "points_entries_customer_id_loyalty_members_customer_id_fk";
--> statement-breakpoint
ALTER TABLE "points_lots" DROP CONSTRAINT "points_lots_entry_id_points_entries_id_fk";
--> statement-breakpoint
DROP INDEX "points_entries_customer_idx";--> statement-breakpoint
CREATE INDEX "points_entries_customer_idx" ON "points_entries" USING btree ("customer_id","id","kind","points","reverses_id","occurred_at");