CREATE TABLE "feedback_categories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"parent_id" uuid,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"seed_words" text[] DEFAULT '{}'::text[] NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"seed_key" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_categories_seed_key_unique" UNIQUE("seed_key")
);
--> statement-breakpoint
CREATE TABLE "feedback_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"customer_id" uuid,
	"source" text NOT NULL,
	"source_ref" text,
	"text" text NOT NULL,
	"contact_name" text,
	"contact_phone" text,
	"category_id" uuid,
	"suggested_category_id" uuid,
	"category_confidence" double precision,
	"category_set_by" text,
	"sentiment" text NOT NULL,
	"sentiment_score" double precision NOT NULL,
	"polarity" double precision NOT NULL,
	"sentiment_drivers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sentiment_corrected" text,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"owner_id" uuid,
	"due_at" timestamp with time zone,
	"status" text DEFAULT 'new' NOT NULL,
	"reply_text" text,
	"replied_at" timestamp with time zone,
	"reply_message_id" uuid,
	"ticket_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "feedback_categories" ADD CONSTRAINT "feedback_categories_parent_id_feedback_categories_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."feedback_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_category_id_feedback_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."feedback_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_suggested_category_id_feedback_categories_id_fk" FOREIGN KEY ("suggested_category_id") REFERENCES "public"."feedback_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feedback_categories_parent_idx" ON "feedback_categories" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "feedback_items_created_idx" ON "feedback_items" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "feedback_items_status_idx" ON "feedback_items" USING btree ("status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "feedback_items_category_idx" ON "feedback_items" USING btree ("category_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "feedback_items_owner_idx" ON "feedback_items" USING btree ("owner_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "feedback_items_customer_idx" ON "feedback_items" USING btree ("customer_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "feedback_items_sentiment_idx" ON "feedback_items" USING btree ("sentiment","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "feedback_items_source_idx" ON "feedback_items" USING btree ("source","source_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_items_ticket_idx" ON "feedback_items" USING btree ("ticket_id") WHERE "feedback_items"."ticket_id" is not null;