CREATE TABLE "analytics_customer_current" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"value_tier" text NOT NULL,
	"value_score" real NOT NULL,
	"rfm_group" text NOT NULL,
	"r_score" smallint NOT NULL,
	"f_score" smallint NOT NULL,
	"m_score" smallint NOT NULL,
	"recency_days" integer,
	"frequency" integer NOT NULL,
	"monetary_fen" bigint NOT NULL,
	"tenure_days" integer,
	"clv_formula_fen" bigint NOT NULL,
	"clv_fen" bigint NOT NULL,
	"clv_service_fen" bigint NOT NULL,
	"clv_contract_fen" bigint NOT NULL,
	"p_alive" double precision,
	"expected_purchases" double precision,
	"renewal_prob" double precision,
	"churn_risk" smallint NOT NULL,
	"churn_level" text NOT NULL,
	"churn_reasons" jsonb NOT NULL,
	"loyalty" real NOT NULL,
	"quadrant" text NOT NULL,
	"segment" integer,
	"scores" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_customer_history" (
	"run_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"value_tier" text NOT NULL,
	"value_score" real NOT NULL,
	"rfm_group" text NOT NULL,
	"clv_fen" bigint NOT NULL,
	"p_alive" real,
	"churn_risk" smallint NOT NULL,
	"churn_level" text NOT NULL,
	"quadrant" text NOT NULL,
	"segment" smallint,
	CONSTRAINT "analytics_customer_history_run_id_customer_id_pk" PRIMARY KEY("run_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"as_of" date NOT NULL,
	"status" text NOT NULL,
	"progress" jsonb DEFAULT '{"phase":"queued","done":0,"total":0}'::jsonb NOT NULL,
	"settings" jsonb NOT NULL,
	"fits" jsonb,
	"diagnostics" jsonb,
	"counts" jsonb,
	"requested_by" uuid,
	"error" text,
	"seconds" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "analytics_customer_current" ADD CONSTRAINT "analytics_customer_current_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_customer_history" ADD CONSTRAINT "analytics_customer_history_run_id_analytics_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."analytics_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_current_tier_idx" ON "analytics_customer_current" USING btree ("value_tier");--> statement-breakpoint
CREATE INDEX "analytics_current_risk_idx" ON "analytics_customer_current" USING btree ("churn_risk","customer_id");--> statement-breakpoint
CREATE INDEX "analytics_current_level_idx" ON "analytics_customer_current" USING btree ("churn_level");--> statement-breakpoint
CREATE INDEX "analytics_history_customer_idx" ON "analytics_customer_history" USING btree ("customer_id","as_of");--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_runs_nightly_unique" ON "analytics_runs" USING btree ("as_of") WHERE "analytics_runs"."kind" = 'nightly';--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_runs_active_unique" ON "analytics_runs" USING btree ((true)) WHERE "analytics_runs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "analytics_runs_created_idx" ON "analytics_runs" USING btree ("created_at","id");