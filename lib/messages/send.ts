/**
 * Sending: a draft becomes one or more queued copies, each with a delivery job
 * in the same commit. The delivery worker does the actual send; nothing here
 * talks to a provider, so a send request is fast and never loses the message.
 */
import { AppError, conflict, invalid, notFound } from "../http/errors.ts";
import { addToFeed, liveEvent } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import type { Scheduler } from "../scheduler/scheduler.ts";
import { addChunks, deleteChunks } from "../storage/chunks.ts";
import { newId } from "../storage/ids.ts";
import { commitOrConflict, getValues } from "../storage/kv.ts";
import {
  backToDraft,
  draftInput,
  editableDraft,
  getMessageBody,
  resolveDraft,
  type Viewer,
} from "./drafts.ts";
import { htmlToPlainText } from "./render.ts";
import { messageKeys as keys } from "./keys.ts";
import type { Message } from "./types.ts";
import { sendProblems } from "./send_rules.ts";
import { relist } from "./listing.ts";

export const DELIVER_JOB = "deliver";

/**
 * Queues a draft for delivery at `dueAt` (now, or later for a scheduled send).
 * With "send individually" each To recipient gets a copy with its own tracking;
 * the draft itself becomes the first copy. The copies share one body, moved in the
 * same commit from the draft to a key of the group's own, so that any copy made a
 * draft again (a cancelled schedule, a failed send) can change its text without
 * touching the others'. Returns the queued copies.
 */
export async function queueDraft(
  kv: Deno.Kv,
  scheduler: Scheduler,
  viewer: Viewer,
  id: string,
  { now, dueAt = now, extend, key }: {
    now: number;
    dueAt?: number;
    /** Adds more writes to the same commit (e.g. alarms for each copy). */
    extend?: (op: Deno.AtomicOperation, copies: Message[]) => Promise<void>;
    /** The request's Idempotency-Key: a repeat finds what this send queued (`sentWithKey`). */
    key?: string;
  },
): Promise<{ messages: Message[]; events: LiveEvent[] }> {
  const entry = await editableDraft(kv, viewer, id);
  const draft = entry.value;
  const html = await getMessageBody(kv, draft);
  // Preferences may have changed since the draft was saved: resolve again.
  const saved = { followWanted: draft.followWanted, savedRegarding: draft.regarding };
  const { fields } = await resolveDraft(kv, viewer.team.id, await draftInput(kv, draft), saved);
  const problems = sendProblems(fields, htmlToPlainText(html));
  if (Object.keys(problems).length) throw invalid(problems, "This email can't be sent yet.");

  const status = dueAt > now ? "scheduled" as const : "sending" as const;
  const individual = fields.sendIndividually && fields.to.length > 1;
  const op = kv.atomic().check(entry).delete(keys.draftBySender(draft.teamId, draft.senderId, draft.id));
  const copies: Message[] = [];
  const perCopy = individual ? fields.to.map((r) => [r]) : [fields.to];
  const groupId = individual ? newId(now) : null;
  if (groupId) {
    deleteChunks(op, keys.body(draft.teamId, draft.id), draft.bodyChunks);
    addChunks(op, keys.body(draft.teamId, groupId), html);
  }
  for (const [i, to] of perCopy.entries()) {
    const copyFields = individual
      ? await resolveDraft(kv, viewer.team.id, {
        ...(await draftInput(kv, draft)),
        to: to.map((r) => r.email),
      }, saved)
      : { fields };
    const message: Message = {
      ...draft,
      ...copyFields.fields,
      id: i === 0 ? draft.id : newId(now),
      groupId,
      status,
      queuedAt: now,
      updatedAt: now,
      job: null,
      listKey: newId(now),
    };
    message.job = scheduler.add(op, {
      kind: DELIVER_JOB,
      teamId: message.teamId,
      payload: { messageId: message.id },
      dueAt,
      now,
    });
    op.set(keys.message(message.teamId, message.id), message);
    relist(op, i === 0 ? draft : null, message);
    copies.push(message);
  }
  const events = copies.map((m) =>
    liveEvent(m.teamId, "message.updated", { messageId: m.id, status: m.status }, now)
  );
  for (const event of events) addToFeed(op, event);
  if (individual) await extend?.(op, copies);
  if (key) {
    const named = keys.sentByKey(draft.teamId, draft.senderId, key);
    const sent: SentWithKey = { draftId: draft.id, messageIds: copies.map((m) => m.id) };
    op.check({ key: named, versionstamp: null }).set(named, sent, { expireIn: SEND_KEY_TTL_MS });
  }
  await commitOrConflict(op, "This draft changed while sending. Reload and try again.");
  return { messages: copies, events };
}

/** How long an Idempotency-Key names what its send queued: a day of retries. */
const SEND_KEY_TTL_MS = 24 * 3600_000;

interface SentWithKey {
  draftId: string;
  messageIds: string[];
}

/**
 * What the viewer's earlier send with this Idempotency-Key queued, as it is now (null: none did). The same key
 * used to send another draft is a conflict.
 */
export async function sentWithKey(kv: Deno.Kv, viewer: Viewer, draftId: string, key: string) {
  const sent = (await kv.get<SentWithKey>(keys.sentByKey(viewer.team.id, viewer.user.id, key))).value;
  if (!sent) return null;
  if (sent.draftId !== draftId) throw conflict("This Idempotency-Key was used to send another email.");
  const found = await getValues<Message>(kv, sent.messageIds.map((id) => keys.message(viewer.team.id, id)));
  return found.filter((m): m is Message => !!m);
}

/** A failed message of the viewer's, as last read; refuses anyone else's and any other status. */
async function failedEntry(kv: Deno.Kv, viewer: Viewer, id: string, doing: string) {
  const entry = await kv.get<Message>(keys.message(viewer.team.id, id));
  const old = entry.value;
  if (!old) throw notFound("No such message.");
  if (old.senderId !== viewer.user.id) {
    throw new AppError(403, "forbidden", `Only the sender can ${doing} a message.`);
  }
  if (old.status !== "failed") {
    throw new AppError(
      409,
      "conflict",
      `Only a failed message can be ${doing === "retry" ? "retried" : "edited"}.`,
    );
  }
  return { entry, old };
}

/**
 * A failed message back to a draft, to change (a rejected address, say) and send again. Its failures stay in its
 * history, and its next send is a new attempt for the provider (a new idempotency key). A copy made by "send
 * individually" gets a body of its own; the other copies keep theirs.
 */
export async function reopenFailed(
  kv: Deno.Kv,
  viewer: Viewer,
  id: string,
  now: number,
): Promise<{ message: Message; events: LiveEvent[] }> {
  const { entry, old } = await failedEntry(kv, viewer, id, "edit");
  const op = kv.atomic().check(entry);
  const message = await backToDraft(op, kv, { ...old, failure: null, sendAttempt: old.sendAttempt + 1 }, now);
  const event = liveEvent(old.teamId, "message.updated", { messageId: id, status: "draft" }, now);
  addToFeed(op, event);
  await commitOrConflict(op);
  return { message, events: [event] };
}

/** Puts a failed message back in the queue, with a new attempt number for the provider. */
export async function retryFailed(
  kv: Deno.Kv,
  scheduler: Scheduler,
  viewer: Viewer,
  id: string,
  now: number,
): Promise<{ message: Message; events: LiveEvent[] }> {
  const { entry, old } = await failedEntry(kv, viewer, id, "retry");
  const op = kv.atomic().check(entry);
  const message: Message = {
    ...old,
    status: "sending",
    failure: null,
    sendAttempt: old.sendAttempt + 1,
    queuedAt: now,
    updatedAt: now,
    listKey: newId(now),
  };
  message.job = scheduler.add(op, {
    kind: DELIVER_JOB,
    teamId: old.teamId,
    payload: { messageId: id },
    dueAt: now,
    now,
  });
  op.set(entry.key, message);
  relist(op, old, message);
  const event = liveEvent(old.teamId, "message.updated", { messageId: id, status: "sending" }, now);
  addToFeed(op, event);
  await commitOrConflict(op);
  return { message, events: [event] };
}
