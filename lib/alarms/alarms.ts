/** Follow-up alarms on a message: add, change, remove, list, and settle early when the answer arrives. */
import { z } from "@hono/zod-openapi";
import { conflict, forbidden, invalid, notFound } from "../http/errors.ts";
import { getMessage } from "../messages/drafts.ts";
import type { Message } from "../messages/types.ts";
import { addToFeed, liveEvent } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { removeJob, type Scheduler } from "../scheduler/scheduler.ts";
import { newId } from "../storage/ids.ts";
import { commitOrConflict, getEntries, getValues, listValues } from "../storage/kv.ts";
import { checkFuture, instantField } from "../validation/instant.ts";
import { parse } from "../validation/parse.ts";
import { typedText } from "../validation/fields.ts";
import { evaluate } from "./evaluate.ts";
import { readEngagement } from "./engagement.ts";
import { alarmKeys as keys } from "./keys.ts";
import { formatDateTime } from "../time/format.ts";
import { type Alarm, CONDITION_LABELS } from "./types.ts";

export const ALARM_JOB = "alarm";

export const AlarmInput = z.object({
  condition: z.enum(["no_reply", "not_opened", "reminder"], { error: "Choose what the alarm watches for." }),
  at: instantField("2026-03-06T12:00:00Z"),
  comment: typedText().max(500, "At most 500 characters.").default(""),
  recipients: z.array(z.string().trim().toLowerCase()).max(50).default([]),
}).openapi("AlarmInput");

interface Viewer {
  user: { id: string };
  team: { id: string };
}

function checkFits(message: Message, data: z.output<typeof AlarmInput>) {
  if (data.condition !== "reminder" && message.follow !== "following") {
    throw invalid({
      condition:
        "Only followed emails can watch for opens and replies. Use “Remind me at”, or follow this email.",
    });
  }
  const to = message.to.map((r) => r.email.toLowerCase());
  const stranger = data.recipients.find((r) => !to.includes(r));
  if (stranger) throw invalid({ recipients: `${stranger} is not a To recipient of this email.` });
}

/** Opens and replies come after the email goes out: a deadline for them must follow a scheduled send. */
function checkAfterSend(message: Message, condition: Alarm["condition"], dueAt: number) {
  if (condition === "reminder" || message.status !== "scheduled" || !message.job) return;
  if (dueAt <= message.job.dueAt) {
    throw invalid({
      at: "This email is scheduled to go out after this time: choose a later time, or use “Remind me at”.",
    });
  }
}

/**
 * A send time is refused when an alarm of the email watching for its open or reply would go off first (the
 * card could only say it hadn't gone out). The alarm's time is said in the seller's zone.
 */
export async function checkSendBeforeAlarms(
  kv: Deno.Kv,
  viewer: Viewer & { user: { timeZone: string } },
  messageId: string,
  sendAt: number,
  now: number,
) {
  const first = (await listAlarms(kv, viewer.team.id, messageId)).find((a) =>
    a.ownerId === viewer.user.id && a.status === "pending" && a.condition !== "reminder" && a.dueAt <= sendAt
  );
  if (!first) return;
  const alarm = `${CONDITION_LABELS[first.condition]} ${
    formatDateTime(first.dueAt, viewer.user.timeZone, now)
  }`;
  throw invalid({
    at:
      `Your alarm “${alarm}” would go off before the email goes out: choose an earlier time, or move the alarm.`,
  });
}

/**
 * An alarm for an open or a reply that has already come would never go off: refused, saying who did it, rather
 * than listed as set. (Later engagement settles alarms as it arrives: `settleAlarms`.)
 */
async function checkNotAnswered(
  kv: Deno.Kv,
  message: Message,
  alarm: Pick<Alarm, "condition" | "recipients">,
) {
  if (alarm.condition === "reminder" || message.status !== "sent") return;
  const verdict = evaluate(alarm, await readEngagement(kv, message));
  if (!verdict.holds) {
    throw invalid({
      condition: `${verdict.outcome} already, so this alarm would never go off. Use “Remind me at” instead.`,
    });
  }
}

async function ownMessage(kv: Deno.Kv, viewer: Viewer, messageId: string) {
  const message = await getMessage(kv, viewer.team.id, messageId);
  if (message.senderId !== viewer.user.id) throw forbidden("Only the sender sets alarms on an email.");
  return message;
}

export async function addAlarm(
  kv: Deno.Kv,
  scheduler: Scheduler,
  viewer: Viewer,
  messageId: string,
  input: unknown,
  now: number,
): Promise<{ alarm: Alarm; events: LiveEvent[] }> {
  const data = parse(AlarmInput, input);
  const message = await ownMessage(kv, viewer, messageId);
  checkFits(message, data);
  const dueAt = checkFuture(data.at, now, "at");
  checkAfterSend(message, data.condition, dueAt);
  await checkNotAnswered(kv, message, data);
  const op = kv.atomic();
  const alarm: Alarm = {
    id: newId(now),
    teamId: message.teamId,
    messageId,
    ownerId: message.senderId,
    condition: data.condition,
    dueAt,
    comment: data.comment,
    recipients: data.recipients,
    status: "pending",
    job: null,
    outcome: null,
    cardId: null,
    lateByMs: null,
    createdAt: now,
    updatedAt: now,
    settledAt: null,
  };
  alarm.job = scheduler.add(op, {
    kind: ALARM_JOB,
    teamId: alarm.teamId,
    payload: { alarmId: alarm.id },
    dueAt,
    now,
  });
  op.set(keys.alarm(alarm.teamId, alarm.id), alarm).set(
    keys.byMessage(alarm.teamId, messageId, alarm.id),
    alarm.id,
  );
  const event = alarmEvent(alarm, now);
  addToFeed(op, event);
  await commitOrConflict(op);
  return { alarm, events: [event] };
}

const alarmEvent = (alarm: Alarm, now: number) =>
  liveEvent(alarm.teamId, "alarm.updated", { messageId: alarm.messageId, alarm }, now, alarm.ownerId);

async function pendingAlarm(kv: Deno.Kv, viewer: Viewer, id: string) {
  const entry = await kv.get<Alarm>(keys.alarm(viewer.team.id, id));
  if (!entry.value) throw notFound("No such alarm.");
  if (entry.value.ownerId !== viewer.user.id) throw forbidden("This alarm belongs to someone else.");
  if (entry.value.status !== "pending") throw conflict("This alarm has already gone off or been settled.");
  return entry as Deno.KvEntry<Alarm> & { value: Alarm };
}

export async function updateAlarm(
  kv: Deno.Kv,
  scheduler: Scheduler,
  viewer: Viewer,
  id: string,
  input: unknown,
  now: number,
) {
  const entry = await pendingAlarm(kv, viewer, id);
  const old = entry.value;
  const data = parse(AlarmInput, {
    condition: old.condition,
    at: old.dueAt,
    comment: old.comment,
    recipients: old.recipients,
    ...(input as object),
  });
  const message = await getMessage(kv, viewer.team.id, old.messageId);
  checkFits(message, data);
  const dueAt = data.at === old.dueAt ? old.dueAt : checkFuture(data.at, now, "at");
  checkAfterSend(message, data.condition, dueAt);
  await checkNotAnswered(kv, message, data);
  const op = kv.atomic().check(entry);
  const alarm: Alarm = {
    ...old,
    condition: data.condition,
    comment: data.comment,
    recipients: data.recipients,
    dueAt,
    updatedAt: now,
  };
  if (dueAt !== old.dueAt && old.job) {
    removeJob(op, old.job);
    alarm.job = scheduler.add(op, {
      kind: ALARM_JOB,
      teamId: old.teamId,
      payload: { alarmId: id },
      dueAt,
      now,
    });
  }
  op.set(entry.key, alarm);
  const event = alarmEvent(alarm, now);
  addToFeed(op, event);
  await commitOrConflict(op);
  return { alarm, events: [event] };
}

export async function removeAlarm(kv: Deno.Kv, viewer: Viewer, id: string, now: number) {
  const entry = await kv.get<Alarm>(keys.alarm(viewer.team.id, id));
  if (!entry.value) throw notFound("No such alarm.");
  if (entry.value.ownerId !== viewer.user.id) throw forbidden("This alarm belongs to someone else.");
  const op = kv.atomic().check(entry).delete(entry.key)
    .delete(keys.byMessage(entry.value.teamId, entry.value.messageId, id));
  if (entry.value.job && entry.value.status === "pending") removeJob(op, entry.value.job);
  const event = alarmEvent({ ...entry.value, status: "cancelled" }, now);
  addToFeed(op, event);
  await commitOrConflict(op);
  return { events: [event] };
}

export async function listAlarms(kv: Deno.Kv, teamId: string, messageId: string): Promise<Alarm[]> {
  const ids = await listValues<string>(kv, { prefix: keys.byMessage(teamId, messageId) });
  return (await getValues<Alarm>(kv, ids.map((id) => keys.alarm(teamId, id))))
    .filter((a): a is Alarm => !!a)
    .sort((a, b) => a.dueAt - b.dueAt);
}

/**
 * Settles pending alarms that new engagement answers (an open for "not opened", a reply
 * for "no reply"), before their deadline: they are marked resolved and their jobs removed.
 */
export async function settleAlarms(
  kv: Deno.Kv,
  message: Pick<Message, "teamId" | "id" | "to" | "cc" | "bcc">,
  now: number,
): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  const waiting = (await listAlarms(kv, message.teamId, message.id))
    .filter((alarm) => alarm.status === "pending" && alarm.condition !== "reminder");
  if (!waiting.length) return events;
  // The history is read only now: most messages have no alarm waiting on them.
  const engagement = await readEngagement(kv, message);
  for (const alarm of waiting) {
    const verdict = evaluate(alarm, engagement);
    if (verdict.holds) continue;
    const entry = await kv.get<Alarm>(keys.alarm(alarm.teamId, alarm.id));
    if (entry.value?.status !== "pending") continue;
    const settled: Alarm = {
      ...entry.value,
      status: "resolved",
      outcome: verdict.outcome,
      settledAt: now,
      job: null,
      updatedAt: now,
    };
    const op = kv.atomic().check(entry).set(entry.key, settled);
    if (entry.value.job) removeJob(op, entry.value.job);
    const event = alarmEvent(settled, now);
    addToFeed(op, event);
    if ((await op.commit()).ok) events.push(event);
  }
  return events;
}

/** Copies a draft's alarms to the copies made by "send individually", each about its own recipient. */
export async function copyAlarmsToCopies(
  kv: Deno.Kv,
  scheduler: Scheduler,
  op: Deno.AtomicOperation,
  draft: Pick<Message, "teamId" | "id">,
  copies: Pick<Message, "id" | "to">[],
  now: number,
): Promise<void> {
  // Checked in the send's commit: an alarm changed or removed meanwhile (in another tab) fails the send, which
  // the seller can try again, instead of being written back as it was.
  const ids = await listValues<string>(kv, { prefix: keys.byMessage(draft.teamId, draft.id) });
  const entries = await getEntries<Alarm>(kv, ids.map((id) => keys.alarm(draft.teamId, id)));
  op.check(...entries);
  const alarms = entries.map((entry) => entry.value).filter((a): a is Alarm => a?.status === "pending");
  for (const copy of copies) {
    const email = copy.to[0]?.email.toLowerCase();
    for (const alarm of alarms) {
      const aboutThisCopy = !alarm.recipients.length || alarm.recipients.includes(email);
      if (copy.id === draft.id) {
        // The draft became the first copy: its alarms are now about its one recipient, or go.
        if (aboutThisCopy) {
          op.set(keys.alarm(alarm.teamId, alarm.id), { ...alarm, recipients: [], updatedAt: now });
        } else {
          op.delete(keys.alarm(alarm.teamId, alarm.id)).delete(
            keys.byMessage(alarm.teamId, draft.id, alarm.id),
          );
          if (alarm.job) removeJob(op, alarm.job);
        }
        continue;
      }
      if (!aboutThisCopy) continue;
      const clone: Alarm = {
        ...alarm,
        id: newId(now),
        messageId: copy.id,
        recipients: [],
        createdAt: now,
        updatedAt: now,
      };
      clone.job = scheduler.add(op, {
        kind: ALARM_JOB,
        teamId: clone.teamId,
        payload: { alarmId: clone.id },
        dueAt: clone.dueAt,
        now,
      });
      op.set(keys.alarm(clone.teamId, clone.id), clone).set(
        keys.byMessage(clone.teamId, copy.id, clone.id),
        clone.id,
      );
    }
  }
}
