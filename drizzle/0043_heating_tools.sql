CREATE TABLE "heating_arrears" (
	"customer_id" uuid NOT NULL,
	"season_year" integer NOT NULL,
	"season" text NOT NULL,
	"due_fen" bigint NOT NULL,
	"paid_fen" bigint NOT NULL,
	"owed_fen" bigint NOT NULL,
	"basis" text NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "heating_arrears_customer_id_season_year_pk" PRIMARY KEY("customer_id","season_year")
);
--> statement-breakpoint
CREATE TABLE "heating_arrears_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reason" text NOT NULL,
	"due_year" integer NOT NULL,
	"day" text NOT NULL,
	"requested_by" uuid,
	"status" text DEFAULT 'queued' NOT NULL,
	"owner" text,
	"progress" jsonb DEFAULT '{"phase":"queued","done":0,"total":0}'::jsonb NOT NULL,
	"checkpoint" jsonb,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "heating_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"compound" text NOT NULL,
	"building" text,
	"unit" text,
	"template_id" uuid NOT NULL,
	"template_name" text NOT NULL,
	"channel" text NOT NULL,
	"text" text,
	"households" integer NOT NULL,
	"counts" jsonb NOT NULL,
	"requested_by" uuid,
	"requested_by_name" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"owner" text,
	"progress" jsonb DEFAULT '{"phase":"queued","done":0,"total":0}'::jsonb NOT NULL,
	"checkpoint" jsonb,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "heating_arrears" ADD CONSTRAINT "heating_arrears_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heating_arrears_runs" ADD CONSTRAINT "heating_arrears_runs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heating_notices" ADD CONSTRAINT "heating_notices_template_id_message_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."message_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heating_notices" ADD CONSTRAINT "heating_notices_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "heating_arrears_season_idx" ON "heating_arrears" USING btree ("season_year","owed_fen");--> statement-breakpoint
CREATE UNIQUE INDEX "heating_arrears_runs_active_unique" ON "heating_arrears_runs" USING btree ((true)) WHERE "heating_arrears_runs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "heating_arrears_runs_created_idx" ON "heating_arrears_runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "heating_notices_created_idx" ON "heating_notices" USING btree ("created_at","id");