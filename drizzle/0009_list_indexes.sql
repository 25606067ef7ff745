DROP INDEX "customers_city_idx";--> statement-breakpoint
DROP INDEX "customers_compound_idx";--> statement-breakpoint
DROP INDEX "customers_stage_idx";--> statement-breakpoint
CREATE INDEX "customers_city_created_idx" ON "customers" USING btree ("city","created_at","id");--> statement-breakpoint
CREATE INDEX "customers_compound_created_idx" ON "customers" USING btree ("compound","created_at","id");--> statement-breakpoint
CREATE INDEX "customers_stage_created_idx" ON "customers" USING btree ("stage","created_at","id");