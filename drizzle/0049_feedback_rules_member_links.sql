CREATE TABLE "feedback_assignment_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"category_id" uuid,
	"source" text,
	"sentiment" text,
	"compound" text,
	"district" text,
	"target" text NOT NULL,
	"user_id" uuid,
	"team_id" uuid,
	"last_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "loyalty_members" ADD COLUMN "links_valid_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "feedback_assignment_rules" ADD CONSTRAINT "feedback_assignment_rules_category_id_feedback_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."feedback_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_assignment_rules" ADD CONSTRAINT "feedback_assignment_rules_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_assignment_rules" ADD CONSTRAINT "feedback_assignment_rules_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_assignment_rules" ADD CONSTRAINT "feedback_assignment_rules_last_user_id_users_id_fk" FOREIGN KEY ("last_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_items_external_ref_idx" ON "feedback_items" USING btree ("source","source_ref") WHERE "feedback_items"."source" in ('sms', 'wechat', 'email', 'import') and "feedback_items"."source_ref" is not null;