ALTER TABLE "analytics_customer_current" ADD COLUMN "lifetime_purchases" integer;--> statement-breakpoint
ALTER TABLE "analytics_customer_current" ADD COLUMN "lifetime_fen" bigint;