/** API: alarms on messages, the assistant's cards, tasks, and notification preferences. */
import { createRoute, z } from "@hono/zod-openapi";
import { addAlarm, AlarmInput, listAlarms, removeAlarm, updateAlarm } from "../../lib/alarms/alarms.ts";
import { dismissCard, listCards, markCardsRead, snoozeCard } from "../../lib/assistant/cards.ts";
import { isUnread } from "../../lib/assistant/types.ts";
import { getNotifyPrefs, NotifyPrefsInput } from "../../lib/assistant/notify_prefs.ts";
import {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  TaskChange,
  TaskInput,
  updateTask,
} from "../../lib/assistant/tasks.ts";
import { readableMessage } from "../../lib/messages/drafts.ts";
import { instantField } from "../../lib/validation/instant.ts";
import { saveNotifyPrefs } from "../../workers/notifications.ts";
import { viewer } from "../middleware/auth.ts";
import { announce } from "./helpers.ts";
import { apiRouter, errors, IdParams, json, jsonBody, security } from "./openapi.ts";
import { AlarmSchema, CardSchema, NotifyPrefsSchema, pick, TaskSchema } from "./schemas.ts";

export const assistantApi = apiRouter();

assistantApi.openapi(
  createRoute({
    method: "get",
    path: "/messages/{id}/alarms",
    tags: ["Alarms"],
    summary: "The alarms on a message, soonest first",
    security,
    request: { params: IdParams },
    responses: {
      200: json(z.object({ items: z.array(AlarmSchema) }), "Alarms"),
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const { kv } = c.get("deps");
    const v = viewer(c);
    const message = await readableMessage(kv, v, c.req.valid("param").id);
    return c.json(
      { items: (await listAlarms(kv, v.team.id, message.id)).map((a) => pick(AlarmSchema, a)) },
      200,
    );
  },
);

assistantApi.openapi(
  createRoute({
    method: "post",
    path: "/messages/{id}/alarms",
    tags: ["Alarms"],
    summary: "Add an alarm: no reply by, not opened by (followed emails), or remind me at",
    security,
    request: { params: IdParams, ...jsonBody(AlarmInput) },
    responses: { 201: json(AlarmSchema, "The alarm"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const now = deps.clock.now();
    const { alarm, events } = await addAlarm(
      deps.kv,
      deps.scheduler,
      viewer(c),
      c.req.valid("param").id,
      await c.req.json(),
      now,
    );
    await announce(deps, events, [alarm.dueAt]);
    return c.json(pick(AlarmSchema, alarm), 201);
  },
);

assistantApi.openapi(
  createRoute({
    method: "patch",
    path: "/alarms/{id}",
    tags: ["Alarms"],
    summary: "Change a pending alarm",
    security,
    request: { params: IdParams, ...jsonBody(AlarmInput.partial()) },
    responses: { 200: json(AlarmSchema, "The alarm"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { alarm, events } = await updateAlarm(
      deps.kv,
      deps.scheduler,
      viewer(c),
      c.req.valid("param").id,
      await c.req.json(),
      deps.clock.now(),
    );
    await announce(deps, events, [alarm.dueAt]);
    return c.json(pick(AlarmSchema, alarm), 200);
  },
);

assistantApi.openapi(
  createRoute({
    method: "delete",
    path: "/alarms/{id}",
    tags: ["Alarms"],
    summary: "Remove an alarm",
    security,
    request: { params: IdParams },
    responses: { 204: { description: "Removed" }, ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { events } = await removeAlarm(deps.kv, viewer(c), c.req.valid("param").id, deps.clock.now());
    await announce(deps, events);
    return c.body(null, 204);
  },
);

assistantApi.openapi(
  createRoute({
    method: "get",
    path: "/cards",
    tags: ["Assistant"],
    summary: "Your cards: active first, most urgent, newest; with the unread count",
    security,
    responses: {
      200: json(z.object({ items: z.array(CardSchema), unread: z.number() }), "Cards"),
      401: errors[401],
    },
  }),
  async (c) => {
    const { user, team } = viewer(c);
    const cards = await listCards(c.get("deps").kv, team.id, user.id);
    return c.json(
      { items: cards.map((x) => pick(CardSchema, x)), unread: cards.filter(isUnread).length },
      200,
    );
  },
);

const CardAction = z.discriminatedUnion("action", [
  z.object({ action: z.literal("read") }),
  z.object({ action: z.literal("dismiss") }),
  z.object({
    action: z.literal("snooze"),
    until: instantField("2026-03-03T09:00:00Z"),
  }),
], { error: "Choose read, dismiss or snooze." }).openapi("CardAction");

assistantApi.openapi(
  createRoute({
    method: "post",
    path: "/cards/{id}/actions",
    tags: ["Assistant"],
    summary: "Act on a card: mark read, snooze until a time, or dismiss",
    security,
    request: { params: IdParams, ...jsonBody(CardAction) },
    responses: { 204: { description: "Done" }, ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { user, team } = viewer(c);
    const id = c.req.valid("param").id;
    const body = c.req.valid("json");
    const now = deps.clock.now();
    if (body.action === "read") {
      await announce(deps, await markCardsRead(deps.kv, team.id, user.id, [id], now));
    } else if (body.action === "dismiss") {
      await announce(deps, (await dismissCard(deps.kv, team.id, user.id, id, now)).events);
    } else {
      const { card, events } = await snoozeCard(
        deps.kv,
        deps.scheduler,
        team.id,
        user.id,
        id,
        body.until,
        now,
      );
      await announce(deps, events, [card.job?.dueAt]);
    }
    return c.body(null, 204);
  },
);

assistantApi.openapi(
  createRoute({
    method: "get",
    path: "/tasks",
    tags: ["Assistant"],
    summary: "Your tasks: open first, by due time",
    security,
    responses: { 200: json(z.object({ items: z.array(TaskSchema) }), "Tasks"), 401: errors[401] },
  }),
  async (c) => {
    const { user, team } = viewer(c);
    return c.json({
      items: (await listTasks(c.get("deps").kv, team.id, user.id)).map((t) => pick(TaskSchema, t)),
    }, 200);
  },
);

assistantApi.openapi(
  createRoute({
    method: "post",
    path: "/tasks",
    tags: ["Assistant"],
    summary: "Plan a phone call (optionally from a card, about a contact and a message)",
    security,
    request: jsonBody(TaskInput),
    responses: { 201: json(TaskSchema, "The task"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const task = await createTask(deps.kv, viewer(c).user, await c.req.json(), deps.clock.now());
    return c.json(pick(TaskSchema, task), 201);
  },
);

assistantApi.openapi(
  createRoute({
    method: "get",
    path: "/tasks/{id}",
    tags: ["Assistant"],
    summary: "One of your tasks",
    security,
    request: { params: IdParams },
    responses: { 200: json(TaskSchema, "The task"), ...errors },
  }),
  async (c) => {
    const task = await getTask(c.get("deps").kv, viewer(c).user, c.req.valid("param").id);
    return c.json(pick(TaskSchema, task), 200);
  },
);

assistantApi.openapi(
  createRoute({
    method: "patch",
    path: "/tasks/{id}",
    tags: ["Assistant"],
    summary:
      "Change a task: its subject, notes or due time (a new one must be ahead), or mark it done or open",
    security,
    request: { params: IdParams, ...jsonBody(TaskChange) },
    responses: { 200: json(TaskSchema, "The task"), ...errors },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { id } = c.req.valid("param");
    const task = await updateTask(deps.kv, viewer(c).user, id, c.req.valid("json"), deps.clock.now());
    return c.json(pick(TaskSchema, task), 200);
  },
);

assistantApi.openapi(
  createRoute({
    method: "delete",
    path: "/tasks/{id}",
    tags: ["Assistant"],
    summary: "Delete a task",
    security,
    request: { params: IdParams },
    responses: { 204: { description: "Deleted" }, ...errors },
  }),
  async (c) => {
    await deleteTask(c.get("deps").kv, viewer(c).user, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

assistantApi.openapi(
  createRoute({
    method: "get",
    path: "/me/notifications",
    tags: ["Account"],
    summary: "Your notification preferences",
    security,
    responses: { 200: json(NotifyPrefsSchema, "Preferences"), 401: errors[401] },
  }),
  async (c) => {
    const { user, team } = viewer(c);
    return c.json(pick(NotifyPrefsSchema, await getNotifyPrefs(c.get("deps").kv, team.id, user.id)), 200);
  },
);

assistantApi.openapi(
  createRoute({
    method: "patch",
    path: "/me/notifications",
    tags: ["Account"],
    summary: "Change your notification preferences (in-app alerts are always on)",
    security,
    request: jsonBody(NotifyPrefsInput),
    responses: {
      200: json(NotifyPrefsSchema, "Preferences"),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  }),
  async (c) => {
    const prefs = await saveNotifyPrefs(c.get("deps"), viewer(c).user, c.req.valid("json"));
    return c.json(pick(NotifyPrefsSchema, prefs), 200);
  },
);
