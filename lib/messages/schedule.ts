/**
 * Sending later: scheduling a draft, moving the time, cancelling. Each change
 * replaces the delivery job in the same commit as the message, so an old
 * wake-up finds nothing to do. Once sending has started the time is fixed.
 */
import { AppError, conflict, forbidden, invalid, notFound } from "../http/errors.ts";
import { addToFeed, liveEvent } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { removeJob, type Scheduler } from "../scheduler/scheduler.ts";
import { commitOrConflict } from "../storage/kv.ts";
import { backToDraft, type Viewer } from "./drafts.ts";
import { messageKeys as keys } from "./keys.ts";
import { DELIVER_JOB, queueDraft } from "./send.ts";
import type { Message } from "./types.ts";
import { instantField } from "../validation/instant.ts";

/** The latest a send can be scheduled: a year ahead (well past the KV queue's 30-day limit). */
export const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 3600_000;

/** Send times are read as every API time is: epoch milliseconds, or ISO 8601 with its offset. */
const SEND_TIME = instantField("2026-03-03T09:10:00Z");

export function checkSendTime(at: unknown, now: number): number {
  const read = SEND_TIME.safeParse(at);
  if (!read.success) throw invalid({ at: read.error.issues[0].message });
  const ms = read.data;
  if (ms <= now) throw invalid({ at: "That time has passed. Choose a later time, or send now." });
  if (ms > now + MAX_SCHEDULE_AHEAD_MS) throw invalid({ at: "Schedule at most a year ahead." });
  return ms;
}

export function scheduleDraft(
  kv: Deno.Kv,
  scheduler: Scheduler,
  viewer: Viewer,
  id: string,
  at: unknown,
  { now, extend }: { now: number; extend?: Parameters<typeof queueDraft>[4]["extend"] },
) {
  return queueDraft(kv, scheduler, viewer, id, { now, dueAt: checkSendTime(at, now), extend });
}

async function scheduledEntry(kv: Deno.Kv, viewer: Viewer, id: string) {
  const entry = await kv.get<Message>(keys.message(viewer.team.id, id));
  const message = entry.value;
  if (!message) throw notFound("No such message.");
  if (message.senderId !== viewer.user.id) {
    throw forbidden("Only the sender can change when a message goes out.");
  }
  if (message.status !== "scheduled" || !message.job) {
    throw conflict(
      message.status === "draft"
        ? "This message is not scheduled."
        : "This message is already being sent; its time can no longer change.",
    );
  }
  return entry as Deno.KvEntry<Message> & { value: Message & { job: NonNullable<Message["job"]> } };
}

export async function reschedule(
  kv: Deno.Kv,
  scheduler: Scheduler,
  viewer: Viewer,
  id: string,
  at: unknown,
  now: number,
): Promise<{ message: Message; events: LiveEvent[] }> {
  const dueAt = checkSendTime(at, now);
  const entry = await scheduledEntry(kv, viewer, id);
  const op = kv.atomic().check(entry);
  removeJob(op, entry.value.job);
  const message: Message = {
    ...entry.value,
    job: scheduler.add(op, {
      kind: DELIVER_JOB,
      teamId: entry.value.teamId,
      payload: { messageId: id },
      dueAt,
      now,
    }),
    updatedAt: now,
  };
  op.set(entry.key, message);
  const event = liveEvent(message.teamId, "message.updated", { messageId: id, status: message.status }, now);
  addToFeed(op, event);
  await commitOrConflict(
    op,
    "This message changed meanwhile (perhaps it started sending). Reload to see it.",
  );
  return { message, events: [event] };
}

/** Cancels a scheduled send: the message becomes a draft again, to edit, send or discard. */
export async function cancelSchedule(
  kv: Deno.Kv,
  viewer: Viewer,
  id: string,
  now: number,
): Promise<{ message: Message; events: LiveEvent[] }> {
  const entry = await scheduledEntry(kv, viewer, id);
  const old = entry.value;
  const op = kv.atomic().check(entry);
  removeJob(op, old.job);
  const message = await backToDraft(op, kv, old, now);
  const event = liveEvent(old.teamId, "message.updated", { messageId: id, status: "draft" }, now);
  addToFeed(op, event);
  const result = await op.commit();
  if (!result.ok) {
    throw new AppError(409, "conflict", "This message started sending before it could be cancelled.");
  }
  return { message, events: [event] };
}
