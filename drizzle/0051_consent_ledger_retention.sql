CREATE TABLE "privacy_consent_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"action" text NOT NULL,
	"source" text NOT NULL,
	"text_id" uuid,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text,
	"ref" text,
	CONSTRAINT "privacy_consent_entries_channel" CHECK ("privacy_consent_entries"."channel" in ('phone', 'sms', 'email', 'wechat'))
);
--> statement-breakpoint
CREATE TABLE "privacy_consent_texts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" integer NOT NULL,
	"title_zh" text NOT NULL,
	"title_en" text,
	"body_zh" text NOT NULL,
	"body_en" text,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privacy_retention_marks" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privacy_retention_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mode" text NOT NULL,
	"trigger" text NOT NULL,
	"day" date,
	"dry_run_id" uuid,
	"policies" jsonb NOT NULL,
	"report" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
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
ALTER TABLE "privacy_consent_entries" ADD CONSTRAINT "privacy_consent_entries_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_consent_entries" ADD CONSTRAINT "privacy_consent_entries_text_id_privacy_consent_texts_id_fk" FOREIGN KEY ("text_id") REFERENCES "public"."privacy_consent_texts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_consent_entries" ADD CONSTRAINT "privacy_consent_entries_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_consent_texts" ADD CONSTRAINT "privacy_consent_texts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_retention_marks" ADD CONSTRAINT "privacy_retention_marks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_retention_marks" ADD CONSTRAINT "privacy_retention_marks_run_id_privacy_retention_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."privacy_retention_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_retention_runs" ADD CONSTRAINT "privacy_retention_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_consent_entries_customer_idx" ON "privacy_consent_entries" USING btree ("customer_id","channel","id");--> statement-breakpoint
CREATE INDEX "privacy_consent_entries_text_idx" ON "privacy_consent_entries" USING btree ("text_id") WHERE "privacy_consent_entries"."text_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "privacy_consent_texts_version_idx" ON "privacy_consent_texts" USING btree ("version");--> statement-breakpoint
CREATE INDEX "privacy_retention_runs_created_idx" ON "privacy_retention_runs" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "privacy_retention_runs_nightly_idx" ON "privacy_retention_runs" USING btree ("day") WHERE "privacy_retention_runs"."trigger" = 'nightly';--> statement-breakpoint
CREATE UNIQUE INDEX "privacy_retention_runs_apply_idx" ON "privacy_retention_runs" USING btree ("dry_run_id") WHERE "privacy_retention_runs"."mode" = 'apply';