CREATE TABLE "loyalty_reviews" (
	"year" text PRIMARY KEY NOT NULL,
	"after_id" uuid,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "points_entries" DROP CONSTRAINT "points_entries_reverses_id_points_entries_id_fk";
--> statement-breakpoint
ALTER TABLE "points_entries" DROP CONSTRAINT "points_entries_created_by_users_id_fk";
