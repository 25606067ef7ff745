CREATE TABLE "segment_counts" (
	"segment_id" uuid NOT NULL,
	"day" date NOT NULL,
	"count" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segment_counts_segment_id_day_pk" PRIMARY KEY("segment_id","day")
);
--> statement-breakpoint
CREATE TABLE "segment_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"segment_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"exited_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "segment_refreshes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"segment_id" uuid,
	"kind" text NOT NULL,
	"as_of" date NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"owner" text,
	"progress" jsonb DEFAULT '{"phase":"queued","done":0,"total":0}'::jsonb NOT NULL,
	"checkpoint" jsonb,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"entered" integer DEFAULT 0 NOT NULL,
	"exited" integer DEFAULT 0 NOT NULL,
	"requested_by" uuid
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"rule" jsonb,
	"owner_id" uuid,
	"created_by" uuid,
	"member_count" integer DEFAULT 0 NOT NULL,
	"refreshed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "segment_counts" ADD CONSTRAINT "segment_counts_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_refreshes" ADD CONSTRAINT "segment_refreshes_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "segment_members_current_unique" ON "segment_members" USING btree ("segment_id","customer_id") WHERE "segment_members"."exited_at" is null;--> statement-breakpoint
CREATE INDEX "segment_members_customer_current_idx" ON "segment_members" USING btree ("customer_id") WHERE "segment_members"."exited_at" is null;--> statement-breakpoint
CREATE INDEX "segment_members_history_idx" ON "segment_members" USING btree ("segment_id","entered_at");--> statement-breakpoint
CREATE UNIQUE INDEX "segment_refreshes_nightly_unique" ON "segment_refreshes" USING btree ("as_of") WHERE "segment_refreshes"."kind" = 'nightly';--> statement-breakpoint
CREATE UNIQUE INDEX "segment_refreshes_active_unique" ON "segment_refreshes" USING btree ("segment_id") WHERE "segment_refreshes"."status" in ('queued', 'running') and "segment_refreshes"."segment_id" is not null;--> statement-breakpoint
CREATE INDEX "segment_refreshes_segment_idx" ON "segment_refreshes" USING btree ("segment_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_name_live_unique" ON "segments" USING btree (lower("name")) WHERE "segments"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "segments_created_idx" ON "segments" USING btree ("created_at","id");--> statement-breakpoint
CREATE VIEW "public"."segment_member_ledger" AS (select "segment_members"."segment_id", "segment_members"."customer_id", "segment_members"."entered_at", "segment_members"."exited_at" from "segment_members" inner join "segments" on "segments"."id" = "segment_members"."segment_id" and "segments"."deleted_at" is null);