/** API: drafts, sending, messages with their engagement, and the live feed's catch-up. */
import { isId } from "../../lib/storage/ids.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { checkSendBeforeAlarms, copyAlarmsToCopies } from "../../lib/alarms/alarms.ts";
import { shareAttachments } from "../../lib/attachments/attachments.ts";
import { adviseSendTime } from "../../lib/scheduling/advice_service.ts";
import { instantField } from "../../lib/validation/instant.ts";
import {
  createDraft,
  createDraftOnce,
  DRAFT_KEY,
  getMessageBody,
  readableMessage,
  updateDraft,
} from "../../lib/messages/drafts.ts";
import {
  EVENTS_PAGE,
  getStats,
  listActivity,
  listDrafts,
  type MessageWithStats,
  timelinePage,
} from "../../lib/messages/list.ts";
import { getContact } from "../../lib/contacts/contacts.ts";
import { getCompany } from "../../lib/contacts/companies.ts";
import { DraftInput } from "../../lib/messages/schemas.ts";
import { cancelSchedule, checkSendTime, reschedule, scheduleDraft } from "../../lib/messages/schedule.ts";
import { discardDraft } from "../../lib/messages/discard.ts";
import { queueDraft, reopenFailed, retryFailed, sentWithKey } from "../../lib/messages/send.ts";
import { AppError, invalid } from "../../lib/http/errors.ts";
import { statusLine } from "../../lib/messages/status.ts";
import type { Message } from "../../lib/messages/types.ts";
import { feedPage, outlivedFeed } from "../../lib/realtime/feed.ts";
import { withEvents } from "../../lib/tracking/live_feed.ts";
import { isEventCursor, readEventPage } from "../../lib/tracking/event_log.ts";
import { publicEvent } from "../../lib/tracking/types.ts";
import type { AppDeps, Viewer } from "../deps.ts";
import { teamSettings } from "../../lib/accounts/types.ts";
import { viewer } from "../middleware/auth.ts";
import { announce } from "./helpers.ts";
import { apiRouter, errors, IdParams, json, jsonBody, orNull, security } from "./openapi.ts";
import {
  ActivityItemSchema,
  EventSchema,
  LiveEventSchema,
  MessageDetailSchema,
  MessageSchema,
  pick,
  StatsSchema,
} from "./schemas.ts";

export const messagesApi = apiRouter();

/**
 * With "send individually", each copy gets the draft's alarms about its recipient, and shares its files, in the
 * same commit.
 */
const copyAlarms =
  (deps: AppDeps, draftId: string, now: number) => (op: Deno.AtomicOperation, copies: Message[]) => {
    shareAttachments(op, copies);
    return copyAlarmsToCopies(
      deps.kv,
      deps.scheduler,
      op,
      { teamId: copies[0].teamId, id: draftId },
      copies,
      now,
    );
  };

const NewDraft = DraftInput.partial().openapi("NewDraft");
const DraftPatch = DraftInput.partial().extend({
  baseRevision: z.number().int().min(0).optional().openapi({
    description: "The revision this change was made to (the draft's `revision` when it was read). When the " +
      "draft has been changed since (another tab, another device), the change is refused with 409 " +
      "`draft_changed` and nothing is saved. Without it, the change is saved whatever came before",
  }),
}).openapi("DraftPatch");

async function detail(deps: AppDeps, message: Message, viewer: Viewer) {
  const stats = await getStats(deps.kv, message.teamId, message.id);
  return {
    ...pick(MessageSchema, message),
    html: await getMessageBody(deps.kv, message),
    stats: stats && pick(StatsSchema, stats),
    statusText:
      statusLine(message, stats, deps.clock.now(), viewer.user.timeZone, teamSettings(viewer.team)).text,
  };
}

const IdempotencyHeaders = z.object({
  "idempotency-key": z.string().regex(DRAFT_KEY, "Idempotency-Key must be 16 to 64 letters, digits, - or _.")
    .optional().openapi({ example: "k7Qd2v9XbN4mR8sT1wYz" }),
});

const SentSchema = z.object({ items: z.array(MessageSchema) });

/** A message as lists give it: with its stats and its status in words, in the viewer's zone. */
const activityItem = (deps: AppDeps, { user, team }: Viewer) => {
  const now = deps.clock.now();
  return ({ message, stats }: MessageWithStats) => ({
    message: pick(MessageSchema, message),
    stats: stats && pick(StatsSchema, stats),
    statusText: statusLine(message, stats, now, user.timeZone, teamSettings(team)).text,
  });
};

const ActivityPage = z.object({ items: z.array(ActivityItemSchema), cursor: z.string().nullable() });

/** A contact's or company's emails, as their page's timeline lists them (`listMessagesFor`). */
function timelineRoute(type: "contact" | "company") {
  const plural = type === "contact" ? "contacts" : "companies";
  messagesApi.openapi(
    createRoute({
      method: "get",
      path: `/${plural}/{id}/messages`,
      tags: ["Messages"],
      summary: type === "contact"
        ? "A contact's emails, newest first: those sent to them or regarding them (their timeline)"
        : "A company's emails, newest first: those regarding it, sent to someone there then, or to the people " +
          "there now (its timeline)",
      security,
      request: {
        params: IdParams,
        query: z.object({
          cursor: z.string().optional().openapi({ description: "The `cursor` of the previous page" }),
          limit: z.coerce.number().int().min(1).max(100).default(25),
        }),
      },
      responses: { 200: json(ActivityPage, "A page"), ...errors },
    }),
    async (c) => {
      const deps = c.get("deps");
      const v = viewer(c);
      const { id } = c.req.valid("param");
      const { cursor, limit } = c.req.valid("query");
      await (type === "contact" ? getContact : getCompany)(deps.kv, v.team.id, id);
      if (cursor !== undefined && !isId(cursor)) {
        throw invalid({ cursor: "Use the `cursor` of the previous page." });
      }
      const page = await timelinePage(deps.kv, v.team.id, { type, id }, limit, cursor);
      return c.json({ items: page.items.map(activityItem(deps, v)), cursor: page.older }, 200);
    },
  );
}
timelineRoute("contact");
timelineRoute("company");

messagesApi.openapi(
  createRoute({
    method: "get",
    path: "/messages",
    tags: ["Messages"],
    summary: "The activity list: sent, scheduled and failed messages, newest first",
    security,
    request: {
      query: z.object({
        scope: z.enum(["mine", "team"]).default("team"),
        followed: z.enum(["true", "false"]).optional(),
        opened: z.enum(["true", "false"]).optional(),
        q: z.string().max(200).optional().openapi({
          description:
            "Words the subject or a recipient's name or address must all contain (any case or accent)",
        }),
        cursor: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(100).default(25),
      }),
    },
    responses: {
      200: json(ActivityPage, "A page"),
      400: errors[400],
      401: errors[401],
    },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { user, team } = viewer(c);
    const q = c.req.valid("query");
    const page = await listActivity(deps.kv, team.id, {
      scope: q.scope,
      userId: user.id,
      followed: q.followed === undefined ? undefined : q.followed === "true",
      opened: q.opened === undefined ? undefined : q.opened === "true",
      countProxyOpens: teamSettings(team).countProxyOpens,
      q: q.q,
      cursor: q.cursor,
      limit: q.limit,
    });
    return c.json({ items: page.items.map(activityItem(deps, viewer(c))), cursor: page.cursor }, 200);
  },
);

messagesApi.openapi(
  createRoute({
    method: "post",
    path: "/messages",
    tags: ["Messages"],
    summary: "Create a draft",
    description:
      "With an `Idempotency-Key`, the draft is created once: a repeat with the same key (a retried " +
      "request whose answer was lost, or one a page sent as it was left) answers 200 with the draft that key " +
      "made, as it is now, changes nothing, and says so in `Idempotent-Replayed: true`. A key names its draft " +
      "for a week, per sender; a key whose draft was discarded makes a new one.",
    security,
    request: {
      headers: IdempotencyHeaders,
      ...jsonBody(NewDraft),
    },
    responses: {
      201: json(MessageDetailSchema, "The draft"),
      200: json(MessageDetailSchema, "The draft this Idempotency-Key made before (nothing changed)"),
      ...errors,
    },
  }),
  async (c) => {
    const deps = c.get("deps");
    const v = viewer(c);
    const key = c.req.valid("header")["idempotency-key"];
    const input = await c.req.json();
    const { message, event } = key
      ? await createDraftOnce(deps.kv, v, input, deps.clock.now(), key)
      : await createDraft(deps.kv, v, input, deps.clock.now());
    if (!event) c.header("Idempotent-Replayed", "true");
    else await announce(deps, [event]);
    return c.json(await detail(deps, message, v), event ? 201 : 200);
  },
);

messagesApi.openapi(
  createRoute({
    method: "get",
    path: "/drafts",
    tags: ["Messages"],
    summary: "The viewer's drafts (as at the top of Activity), the most recently saved first",
    security,
    responses: {
      200: json(z.object({ items: z.array(MessageSchema) }), "Every draft of the viewer's"),
      401: errors[401],
    },
  }),
  async (c) => {
    const { kv } = c.get("deps");
    const { user, team } = viewer(c);
    const drafts = await listDrafts(kv, team.id, user.id);
    return c.json({ items: drafts.map((m) => pick(MessageSchema, m)) }, 200);
  },
);

messagesApi.openapi(
  createRoute({
    method: "get",
    path: "/messages/{id}",
    tags: ["Messages"],
    summary: "A message with its body, counters and status",
    security,
    request: { params: IdParams },
    responses: { 200: json(MessageDetailSchema, "The message"), 401: errors[401], 404: errors[404] },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { user, team } = viewer(c);
    const message = await readableMessage(deps.kv, { user, team }, c.req.valid("param").id);
    return c.json(await detail(deps, message, { user, team }), 200);
  },
);

messagesApi.openapi(
  createRoute({
    method: "patch",
    path: "/messages/{id}",
    tags: ["Messages"],
    summary: "Change a draft (the sender only)",
    security,
    request: { params: IdParams, ...jsonBody(DraftPatch) },
    responses: { 200: json(MessageDetailSchema, "The draft"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const v = viewer(c);
    const { message, event } = await updateDraft(
      deps.kv,
      v,
      c.req.valid("param").id,
      await c.req.json(),
      deps.clock.now(),
    );
    if (event) await announce(deps, [event]);
    return c.json(await detail(deps, message, v), 200);
  },
);

messagesApi.openapi(
  createRoute({
    method: "delete",
    path: "/messages/{id}",
    tags: ["Messages"],
    summary: "Discard a draft",
    security,
    request: { params: IdParams },
    responses: { 204: { description: "Discarded" }, ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    await announce(deps, [await discardDraft(deps, viewer(c), c.req.valid("param").id, deps.clock.now())]);
    return c.body(null, 204);
  },
);

messagesApi.openapi(
  createRoute({
    method: "post",
    path: "/messages/{id}/send",
    tags: ["Messages"],
    summary:
      "Send a draft now. With sendIndividually, each To recipient gets a copy; all copies are returned.",
    description:
      "With an `Idempotency-Key`, the draft is sent once: a repeat with the same key (a retried request whose " +
      "answer was lost) answers 200 with what that send queued, as it is now, changes nothing, and says so in " +
      "`Idempotent-Replayed: true`. A key names its send for a day, per sender; the same key used to send " +
      "another draft is a 409.",
    security,
    request: { params: IdParams, headers: IdempotencyHeaders },
    responses: {
      202: json(SentSchema, "Queued for delivery"),
      200: json(SentSchema, "What this Idempotency-Key's send queued before (nothing changed)"),
      ...errors,
    },
  }),
  async (c) => {
    const deps = c.get("deps");
    const now = deps.clock.now();
    const v = viewer(c);
    const id = c.req.valid("param").id;
    const key = c.req.valid("header")["idempotency-key"];
    const replay = async () => {
      const sent = key && await sentWithKey(deps.kv, v, id, key);
      if (!sent) return null;
      c.header("Idempotent-Replayed", "true");
      return c.json({ items: sent.map((m) => pick(MessageSchema, m)) }, 200);
    };
    const before = await replay();
    if (before) return before;
    try {
      const { messages, events } = await queueDraft(deps.kv, deps.scheduler, v, id, {
        now,
        extend: copyAlarms(deps, id, now),
        key,
      });
      await announce(deps, events, [now]);
      return c.json({ items: messages.map((m) => pick(MessageSchema, m)) }, 202);
    } catch (error) {
      // The same key's request sent it meanwhile: answer with what it queued.
      const after = error instanceof AppError && error.status === 409 ? await replay() : null;
      if (after) return after;
      throw error;
    }
  },
);

messagesApi.openapi(
  createRoute({
    method: "post",
    path: "/messages/{id}/retry",
    tags: ["Messages"],
    summary: "Send a failed message again",
    security,
    request: { params: IdParams },
    responses: { 202: json(MessageSchema, "Queued again"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const now = deps.clock.now();
    const { message, events } = await retryFailed(
      deps.kv,
      deps.scheduler,
      viewer(c),
      c.req.valid("param").id,
      now,
    );
    await announce(deps, events, [now]);
    return c.json(pick(MessageSchema, message), 202);
  },
);

messagesApi.openapi(
  createRoute({
    method: "post",
    path: "/messages/{id}/edit",
    tags: ["Messages"],
    summary: "Turn a failed message back into a draft, to change and send again",
    security,
    request: { params: IdParams },
    responses: { 200: json(MessageSchema, "The draft"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { message, events } = await reopenFailed(
      deps.kv,
      viewer(c),
      c.req.valid("param").id,
      deps.clock.now(),
    );
    await announce(deps, events);
    return c.json(pick(MessageSchema, message), 200);
  },
);

messagesApi.openapi(
  createRoute({
    method: "get",
    path: "/messages/{id}/events",
    tags: ["Messages"],
    summary: "A message's interaction history, newest first, a page at a time",
    security,
    request: {
      params: IdParams,
      query: z.object({
        cursor: z.string().refine(isEventCursor, "Use the cursor of the page before.").optional().openapi({
          description: "The `cursor` of the page before",
        }),
        limit: z.coerce.number().int().min(1).max(500).default(EVENTS_PAGE),
      }),
    },
    responses: {
      200: json(
        z.object({
          items: z.array(EventSchema),
          stats: orNull(StatsSchema),
          cursor: z.string().nullable().openapi({
            description: "Where the next, older page starts; null on the last",
          }),
        }),
        "Events and counters",
      ),
      400: errors[400],
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const { kv } = c.get("deps");
    const v = viewer(c);
    const { team } = v;
    const message = await readableMessage(kv, v, c.req.valid("param").id);
    const [page, stats] = await Promise.all([
      readEventPage(kv, team.id, message.id, c.req.valid("query")),
      getStats(kv, team.id, message.id),
    ]);
    return c.json({
      items: page.events.map((e) => pick(EventSchema, publicEvent(e))),
      stats: stats && pick(StatsSchema, stats),
      cursor: page.cursor,
    }, 200);
  },
);

const FeedQuery = z.object({
  after: z.string().refine(isId, "Use the id of a live event.").optional().openapi({
    description:
      "The last event id the client has. To start, `00000000000000000000000000` gives everything " +
      "the feed keeps (a week); a page's `live-after` meta tag is where that page's stream starts",
  }),
  cursor: z.string().refine(isId, "Use the next of the page before.").optional().openapi({
    description: "The `next` of the page before",
  }),
}).refine((q) => (q.after === undefined) !== (q.cursor === undefined), {
  message: "Give either after or cursor.",
  path: ["after"],
});

messagesApi.openapi(
  createRoute({
    method: "get",
    path: "/feed",
    tags: ["Live"],
    summary: "Live events after a given event id (what a page missed while disconnected), a page at a time",
    security,
    request: { query: FeedQuery },
    responses: {
      200: json(
        z.object({
          items: z.array(LiveEventSchema),
          next: z.string().nullable().openapi({ description: "Set when more may follow: pass it as cursor" }),
          missed: z.boolean().openapi({
            description: "Some of what came after `after` may be gone: the feed keeps a week",
          }),
        }),
        "Events, oldest first",
      ),
      400: errors[400],
      401: errors[401],
    },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const { user, team } = viewer(c);
    const { after, cursor } = c.req.valid("query");
    const page = await feedPage(kv, team.id, after ? { after } : { cursor: cursor! });
    const events = await withEvents(kv, page.events);
    return c.json({
      items: events.filter((e) => !e.userId || e.userId === user.id).map((e) => pick(LiveEventSchema, e)),
      next: page.next,
      missed: after !== undefined && outlivedFeed(after, clock.now()),
    }, 200);
  },
);

const ScheduleInput = z.object({
  at: z.union([z.string(), z.number().int("Use whole milliseconds.")]).openapi({
    description: "When to send: an ISO 8601 instant (with offset) or epoch milliseconds",
    example: "2026-03-03T09:10:00Z",
  }),
}).openapi("ScheduleInput");

messagesApi.openapi(
  createRoute({
    method: "post",
    path: "/messages/{id}/schedule",
    tags: ["Messages"],
    summary: "Send a draft later (up to a year ahead). With sendIndividually, each copy is scheduled.",
    security,
    request: { params: IdParams, ...jsonBody(ScheduleInput) },
    responses: { 202: json(z.object({ items: z.array(MessageSchema) }), "Scheduled"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const now = deps.clock.now();
    const id = c.req.valid("param").id;
    const at = checkSendTime(c.req.valid("json").at, now);
    await checkSendBeforeAlarms(deps.kv, viewer(c), id, at, now);
    const { messages, events } = await scheduleDraft(
      deps.kv,
      deps.scheduler,
      viewer(c),
      id,
      at,
      {
        now,
        extend: copyAlarms(deps, id, now),
      },
    );
    await announce(deps, events, messages.map((m) => m.job?.dueAt));
    return c.json({ items: messages.map((m) => pick(MessageSchema, m)) }, 202);
  },
);

messagesApi.openapi(
  createRoute({
    method: "patch",
    path: "/messages/{id}/schedule",
    tags: ["Messages"],
    summary: "Move a scheduled send to another time (until it starts sending)",
    security,
    request: { params: IdParams, ...jsonBody(ScheduleInput) },
    responses: { 200: json(MessageSchema, "Rescheduled"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const now = deps.clock.now();
    const id = c.req.valid("param").id;
    const at = checkSendTime(c.req.valid("json").at, now);
    await checkSendBeforeAlarms(deps.kv, viewer(c), id, at, now);
    const { message, events } = await reschedule(deps.kv, deps.scheduler, viewer(c), id, at, now);
    await announce(deps, events, [message.job?.dueAt]);
    return c.json(pick(MessageSchema, message), 200);
  },
);

messagesApi.openapi(
  createRoute({
    method: "delete",
    path: "/messages/{id}/schedule",
    tags: ["Messages"],
    summary: "Cancel a scheduled send; the message becomes a draft again",
    security,
    request: { params: IdParams },
    responses: { 200: json(MessageSchema, "Back to draft"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { message, events } = await cancelSchedule(
      deps.kv,
      viewer(c),
      c.req.valid("param").id,
      deps.clock.now(),
    );
    await announce(deps, events);
    return c.json(pick(MessageSchema, message), 200);
  },
);

const AdviceSchema = z.object({
  at: z.number(),
  people: z.array(z.object({
    name: z.string(),
    email: z.string(),
    contactId: z.string().nullable(),
    zone: z.string().nullable(),
    city: z.string().nullable(),
    localText: z.string().nullable(),
    inside: z.boolean().nullable(),
    advice: z.string().nullable(),
    guessedZone: z.string().nullable(),
  })),
  recommendation: z.object({
    at: z.number(),
    basis: z.enum(["recipient", "team", "business_hours"]),
    evidence: z.number(),
    explanation: z.string(),
    label: z.string(),
    localText: z.string(),
  }).nullable(),
  common: z.object({ at: z.number(), label: z.string() }).nullable(),
  compromise: z.object({
    at: z.number(),
    inside: z.array(z.string()),
    outside: z.array(z.string()),
    times: z.array(z.string()),
  }).nullable(),
  unavailable: z.string().nullable(),
}).openapi("SendTimeAdvice");

messagesApi.openapi(
  createRoute({
    method: "get",
    path: "/messages/{id}/advice",
    tags: ["Messages"],
    summary:
      "Send-time advice: each recipient's local time at `at` (default now), business-hours warnings, " +
      "and a recommended time with the evidence behind it",
    security,
    request: {
      params: IdParams,
      query: z.object({ at: instantField("2026-03-03T09:10:00Z").optional() }),
    },
    responses: { 200: json(AdviceSchema, "Advice"), 400: errors[400], 401: errors[401], 404: errors[404] },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { user, team } = viewer(c);
    const message = await readableMessage(deps.kv, { user, team }, c.req.valid("param").id);
    const advice = await adviseSendTime(deps.kv, team, user, message, {
      at: c.req.valid("query").at ?? null,
      now: deps.clock.now(),
    });
    return c.json(advice, 200);
  },
);
