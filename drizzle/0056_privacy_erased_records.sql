CREATE TABLE "privacy_erased_customers" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL,
	"erased_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "privacy_retention_marks" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "privacy_retention_marks" CASCADE;--> statement-breakpoint
ALTER TABLE "privacy_erasures" ALTER COLUMN "proposed_by" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "privacy_erasures" ADD COLUMN "source" text DEFAULT 'request' NOT NULL;--> statement-breakpoint
ALTER TABLE "privacy_erasures" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "privacy_erased_customers" ADD CONSTRAINT "privacy_erased_customers_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_erased_customers" ADD CONSTRAINT "privacy_erased_customers_request_id_privacy_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."privacy_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_erased_customers_request_idx" ON "privacy_erased_customers" USING btree ("request_id");--> statement-breakpoint
ALTER TABLE "privacy_erasures" ADD CONSTRAINT "privacy_erasures_run_id_privacy_retention_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."privacy_retention_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Erasures executed before this table existed: the request's customer and the duplicates merged into it.
INSERT INTO "privacy_erased_customers" ("customer_id", "request_id", "erased_at")
SELECT r."customer_id", e."request_id", e."executed_at" FROM "privacy_erasures" e JOIN "privacy_requests" r ON r."id" = e."request_id"
WHERE e."executed_at" IS NOT NULL AND r."customer_id" IS NOT NULL ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "privacy_erased_customers" ("customer_id", "request_id", "erased_at")
SELECT c."id", x."request_id", x."erased_at" FROM "customers" c JOIN "privacy_erased_customers" x ON c."merged_into_id" = x."customer_id" ON CONFLICT DO NOTHING;
