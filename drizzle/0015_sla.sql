CREATE TABLE "sla_calendars" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"time_zone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"always_open" boolean DEFAULT false NOT NULL,
	"hours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"holidays" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"workdays" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"ticket_type" text,
	"priority" text,
	"customer_tier" text,
	"calendar_id" uuid NOT NULL,
	"first_response_minutes" integer NOT NULL,
	"resolution_minutes" integer NOT NULL,
	"warn_at_percent" integer DEFAULT 80 NOT NULL,
	"level2_after_minutes" integer DEFAULT 240 NOT NULL,
	"level3_after_minutes" integer DEFAULT 1440 NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_escalations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"level" smallint NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"target" text NOT NULL,
	"user_id" uuid,
	"task_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_sla_clocks" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"policy_id" uuid NOT NULL,
	"calendar_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"first_response_due_at" timestamp with time zone NOT NULL,
	"resolution_due_at" timestamp with time zone NOT NULL,
	"resolution_started_at" timestamp with time zone NOT NULL,
	"first_responded_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"paused_business_ms" bigint DEFAULT 0 NOT NULL,
	"resolution_paused_ms" bigint DEFAULT 0 NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"escalation_level" smallint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_calendar_id_sla_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."sla_calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_escalations" ADD CONSTRAINT "ticket_escalations_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_escalations" ADD CONSTRAINT "ticket_escalations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_sla_clocks" ADD CONSTRAINT "ticket_sla_clocks_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_sla_clocks" ADD CONSTRAINT "ticket_sla_clocks_policy_id_sla_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_sla_clocks" ADD CONSTRAINT "ticket_sla_clocks_calendar_id_sla_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."sla_calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_calendars_name_unique" ON "sla_calendars" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_escalations_once" ON "ticket_escalations" USING btree ("ticket_id","kind","level","round");--> statement-breakpoint
CREATE INDEX "ticket_escalations_user_idx" ON "ticket_escalations" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "ticket_sla_clocks_open_idx" ON "ticket_sla_clocks" USING btree ("resolution_due_at") WHERE "ticket_sla_clocks"."resolved_at" is null;--> statement-breakpoint
-- Seeds: the default business calendar (China's 2026 public holidays and 调休 days, State Council notice
-- 国办发明电〔2025〕7号), a 24×7 calendar, and the heating template's SLA policies (complaints answered within 24 hours).
INSERT INTO "sla_calendars" ("name", "time_zone", "always_open", "hours", "holidays", "workdays", "is_default") VALUES
  ('工作日历（周一至周五 08:30–17:30，含 2026 年法定节假日）', 'Asia/Shanghai', false, '[{"weekday":1,"start":"08:30","end":"17:30"},{"weekday":2,"start":"08:30","end":"17:30"},{"weekday":3,"start":"08:30","end":"17:30"},{"weekday":4,"start":"08:30","end":"17:30"},{"weekday":5,"start":"08:30","end":"17:30"}]'::jsonb, '[{"date":"2026-01-01","name":"元旦"},{"date":"2026-01-02","name":"元旦"},{"date":"2026-01-03","name":"元旦"},{"date":"2026-02-15","name":"春节"},{"date":"2026-02-16","name":"春节"},{"date":"2026-02-17","name":"春节"},{"date":"2026-02-18","name":"春节"},{"date":"2026-02-19","name":"春节"},{"date":"2026-02-20","name":"春节"},{"date":"2026-02-21","name":"春节"},{"date":"2026-02-22","name":"春节"},{"date":"2026-02-23","name":"春节"},{"date":"2026-04-04","name":"清明节"},{"date":"2026-04-05","name":"清明节"},{"date":"2026-04-06","name":"清明节"},{"date":"2026-05-01","name":"劳动节"},{"date":"2026-05-02","name":"劳动节"},{"date":"2026-05-03","name":"劳动节"},{"date":"2026-05-04","name":"劳动节"},{"date":"2026-05-05","name":"劳动节"},{"date":"2026-06-19","name":"端午节"},{"date":"2026-06-20","name":"端午节"},{"date":"2026-06-21","name":"端午节"},{"date":"2026-09-25","name":"中秋节"},{"date":"2026-09-26","name":"中秋节"},{"date":"2026-09-27","name":"中秋节"},{"date":"2026-10-01","name":"国庆节"},{"date":"2026-10-02","name":"国庆节"},{"date":"2026-10-03","name":"国庆节"},{"date":"2026-10-04","name":"国庆节"},{"date":"2026-10-05","name":"国庆节"},{"date":"2026-10-06","name":"国庆节"},{"date":"2026-10-07","name":"国庆节"}]'::jsonb, '[{"date":"2026-01-04","name":"元旦调休"},{"date":"2026-02-14","name":"春节调休"},{"date":"2026-02-28","name":"春节调休"},{"date":"2026-05-09","name":"劳动节调休"},{"date":"2026-09-20","name":"国庆节调休"},{"date":"2026-10-10","name":"国庆节调休"}]'::jsonb, true),
  ('7×24 小时', 'Asia/Shanghai', true, '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, false);--> statement-breakpoint
INSERT INTO "sla_policies" ("name", "ticket_type", "priority", "customer_tier", "calendar_id", "first_response_minutes", "resolution_minutes", "level2_after_minutes", "level3_after_minutes", "position")
SELECT v.name, v.ticket_type, v.priority, v.customer_tier, c.id, v.fr, v.res, v.l2, v.l3, v.pos
FROM (VALUES
  ('默认：1 个工作日内响应，3 个工作日内解决', null, null, null, '工作日历（周一至周五 08:30–17:30，含 2026 年法定节假日）', 540, 1620, 240, 1440, 100),
  ('投诉：24 小时内答复', 'complaint', null, null, '7×24 小时', 1440, 4320, 240, 1440, 20),
  ('投诉（高价值客户）：4 小时内答复', 'complaint', null, 'high', '7×24 小时', 240, 2880, 120, 720, 10),
  ('投诉（紧急）：2 小时内答复', 'complaint', 'urgent', null, '7×24 小时', 120, 1440, 60, 240, 10),
  ('报修：2 小时内响应，24 小时内修复', 'repair', null, null, '7×24 小时', 120, 1440, 240, 1440, 20),
  ('报修（紧急）：30 分钟内响应，4 小时内修复', 'repair', 'urgent', null, '7×24 小时', 30, 240, 60, 240, 10),
  ('咨询：4 个工作小时内答复', 'inquiry', null, null, '工作日历（周一至周五 08:30–17:30，含 2026 年法定节假日）', 240, 1080, 240, 1440, 20),
  ('建议：1 个工作日内答复', 'suggestion', null, null, '工作日历（周一至周五 08:30–17:30，含 2026 年法定节假日）', 540, 2700, 540, 2700, 20)
) AS v(name, ticket_type, priority, customer_tier, calendar, fr, res, l2, l3, pos)
JOIN "sla_calendars" c ON c.name = v.calendar;
