/** Response shapes of the JSON API (the OpenAPI document's components). */
import { z } from "@hono/zod-openapi";
import { orNull } from "./openapi.ts";
import { TOKEN_ACCESS } from "../../lib/accounts/schemas.ts";

export const UserSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "member"]),
  timeZone: z.string(),
  createdAt: z.number().openapi({ description: "Milliseconds since the epoch" }),
}).openapi("User");

export const TeamSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.number() }).openapi(
  "Team",
);

export const InviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(["admin", "member"]),
  invitedBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
}).openapi("Invite");

export const ContactSchema = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  companyId: z.string().nullable(),
  title: z.string(),
  phone: z.string(),
  timeZone: z.string().nullable(),
  tracking: z.enum(["allow", "do_not_allow"]),
  notes: z.string(),
  businessHours: z.object({
    days: z.array(z.number()),
    start: z.string(),
    end: z.string(),
    closedDates: z.array(z.string()),
  }).nullable().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
}).openapi("Contact");

export const CompanySchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  industry: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
}).openapi("Company");

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  hint: z.string(),
  access: z.enum(TOKEN_ACCESS).openapi({ description: "read: GET requests only; write: everything" }),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable().openapi({
    description: "When it was last used, to the hour; null if never",
  }),
  expiresAt: z.number().nullable().openapi({
    description: "When it stops working (401 token_expired); null: never",
  }),
}).openapi("ApiToken");

/** Strips internal fields so responses match their schema exactly. */
export function pick<T extends z.ZodObject>(schema: T, value: object): z.output<T> {
  return schema.parse(value) as z.output<T>;
}

const RecipientSchema = z.object({ email: z.string(), name: z.string(), contactId: z.string().nullable() });

export const StatsSchema = z.object({
  messageId: z.string(),
  sentAt: z.number(),
  opens: z.number(),
  clicks: z.number(),
  linkClicks: z.record(z.string(), z.number()).openapi({ description: "Clicks per link index" }),
  attachmentViews: z.number(),
  attachmentViewsBy: z.record(z.string(), z.number()).optional(),
  replies: z.number(),
  prefetches: z.number().openapi({ description: "HEAD requests and prefetches: recorded, not counted" }),
  privacyProxyOpens: z.number().optional().openapi({
    description: "Opens by Apple's privacy proxy (machine)",
  }),
  machineOpens: z.number().optional().openapi({ description: "Opens by scanners, bots or unknown clients" }),
  machineClicks: z.number().optional().openapi({ description: "Clicks and views by scanners and bots" }),
  firstOpenedAt: z.number().nullable(),
  lastOpenedAt: z.number().nullable(),
  lastActivityAt: z.number().nullable(),
}).openapi("MessageStats");

const SendFailureSchema = z.object({
  reason: z.string().openapi({ description: "The provider's reason in full" }),
  summary: z.string().optional().openapi({ description: 'The reason in a few words ("address rejected")' }),
  at: z.number(),
}).openapi("SendFailure");

export const MessageSchema = z.object({
  id: z.string(),
  senderId: z.string(),
  status: z.enum(["draft", "scheduled", "sending", "sent", "failed"]),
  to: z.array(RecipientSchema),
  cc: z.array(RecipientSchema),
  bcc: z.array(RecipientSchema),
  subject: z.string(),
  snippet: z.string(),
  regarding: z.object({ type: z.enum(["contact", "company"]), id: z.string() }).nullable(),
  followWanted: z.boolean(),
  follow: z.enum(["following", "not_following", "blocked"]),
  blockedBy: z.array(z.string()).openapi({ description: "Recipients whose preference is do not allow" }),
  sendIndividually: z.boolean(),
  groupId: z.string().nullable(),
  links: z.array(z.string()),
  failure: orNull(SendFailureSchema).openapi({ description: "Why the message is failed; null otherwise" }),
  failures: z.array(SendFailureSchema).optional().openapi({
    description: "Every send that failed, oldest first (the latest 20), kept after a retry; absent on " +
      "messages from before Beacon kept them",
  }),
  lateByMs: z.number().nullable().openapi({ description: "How late delivery ran (set when over a minute)" }),
  recipientTime: z.object({ name: z.string(), zone: z.string() }).nullable(),
  attachments: z.array(z.object({
    blobId: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number(),
    followed: z.boolean(),
  })).default([]),
  template: z.object({ id: z.string(), version: z.number() }).nullable().default(null),
  delivery: z.object({
    kind: z.enum(["sent", "delivery_delayed", "delivered", "bounced", "complained", "failed"]),
    at: z.number(),
    reason: z.string().nullable(),
  }).nullable().optional(),
  job: z.object({ id: z.string(), dueAt: z.number() }).nullable().openapi({
    description: "The pending delivery while scheduled or sending; dueAt is when it goes out",
  }),
  createdAt: z.number(),
  updatedAt: z.number(),
  revision: z.number().int().optional().openapi({
    description:
      "How many times the draft's content was saved (1 when created; absent on older drafts: 0). " +
      "Send it as `baseRevision` when changing the draft",
  }),
  queuedAt: z.number().nullable(),
  sentAt: z.number().nullable(),
  listKey: z.string().nullable().optional().openapi({
    description:
      "What lists order it by, newest first: made when it was queued and again when it went out. " +
      "Null for a draft; absent on emails stored before it (listed by their id)",
  }),
  rfcMessageId: z.string().nullable(),
  providerId: z.string().nullable().openapi({ description: "The email provider's id for this email" }),
}).openapi("Message");

export const MessageDetailSchema = MessageSchema.extend({
  html: z.string().openapi({ description: "The sanitized body" }),
  stats: orNull(StatsSchema),
  statusText: z.string(),
}).openapi("MessageDetail");

export const ActivityItemSchema = z.object({
  message: MessageSchema,
  stats: orNull(StatsSchema),
  statusText: z.string(),
}).openapi("ActivityItem");

export const EventSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  type: z.enum(["open", "click", "attachment_view", "reply", "delivery"]),
  at: z.number(),
  recipient: z.number().nullable(),
  index: z.number().nullable(),
  url: z.string().nullable(),
  method: z.string(),
  userAgent: z.string(),
  sinceSendMs: z.number(),
  prefetch: z.boolean(),
  reply: z.object({
    from: z.string(),
    fromName: z.string(),
    subject: z.string(),
    text: z.string(),
    autoReply: z.string().nullable(),
    fromRecipient: z.boolean(),
    inboundId: z.string(),
  }).optional(),
  delivery: z.object({ kind: z.string(), reason: z.string().nullable(), recipient: z.string().nullable() })
    .optional(),
  verdict: z.object({
    verdict: z.enum(["human", "machine", "unknown"]),
    kind: z.enum(["prefetch", "privacy_proxy", "image_proxy", "scanner", "bot"]).nullable(),
    viaProxy: z.enum(["apple", "gmail", "yahoo", "outlook"]).nullable(),
    reasons: z.array(z.object({ rule: z.string(), text: z.string(), weight: z.enum(["strong", "weak"]) })),
    rulesVersion: z.number(),
  }).optional().openapi({ description: "Person or machine, and why (opens, clicks and views)" }),
}).openapi("EngagementEvent");

export const LiveEventSchema = z.object({
  id: z.string(),
  type: z.string().openapi({ example: "engagement" }),
  at: z.number(),
  userId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
}).openapi("LiveEvent");

export const AlarmSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  ownerId: z.string(),
  condition: z.enum(["no_reply", "not_opened", "reminder"]),
  dueAt: z.number(),
  comment: z.string(),
  recipients: z.array(z.string()).openapi({ description: "Watched To recipients; empty = all" }),
  status: z.enum(["pending", "fired", "resolved", "cancelled"]),
  outcome: z.string().nullable(),
  cardId: z.string().nullable(),
  lateByMs: z.number().nullable(),
  createdAt: z.number(),
  settledAt: z.number().nullable(),
}).openapi("Alarm");

export const CardSchema = z.object({
  id: z.string(),
  kind: z.enum(["email_opened", "email_replied", "no_reply", "not_opened", "reminder", "send_failed"]),
  messageId: z.string(),
  alarmId: z.string().nullable(),
  subject: z.string(),
  recipientLabel: z.string(),
  personName: z.string().nullable().optional().openapi({
    description: "The one person the card is about, by name; null when it is about several",
  }),
  contactId: z.string().nullable(),
  companyId: z.string().nullable(),
  recipientZone: z.string().nullable(),
  headline: z.string(),
  eventAt: z.number(),
  comment: z.string(),
  lateByMs: z.number().nullable(),
  status: z.enum(["active", "snoozed", "dismissed"]),
  snoozedUntil: z.number().nullable(),
  readAt: z.number().nullable(),
  createdAt: z.number(),
}).openapi("Card");

export const TaskSchema = z.object({
  id: z.string(),
  kind: z.literal("call"),
  subject: z.string(),
  notes: z.string(),
  dueAt: z.number(),
  contactId: z.string().nullable(),
  messageId: z.string().nullable(),
  cardId: z.string().nullable(),
  done: z.boolean(),
  doneAt: z.number().nullable(),
  createdAt: z.number(),
}).openapi("Task");

export const NotifyPrefsSchema = z.object({
  browser: z.boolean(),
  email: z.enum(["off", "immediate", "digest"]),
}).openapi("NotifyPrefs");
