ALTER TABLE "analytics_customer_current" DROP CONSTRAINT "analytics_customer_current_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "analytics_customer_current" ALTER COLUMN "churn_reasons" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "analytics_customer_current" ALTER COLUMN "scores" SET DATA TYPE json;