/** Action cards: created by first opens, replies and alarms; read, snoozed and dismissed by their seller. */
import { notFound } from "../http/errors.ts";
import { recipientLabel } from "../messages/rows.ts";
import type { Message } from "../messages/types.ts";
import { addToFeed, liveEvent } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { removeJob, type Scheduler } from "../scheduler/scheduler.ts";
import { newId } from "../storage/ids.ts";
import { commitOrConflict, getValues, pageIndex } from "../storage/kv.ts";
import { checkFuture } from "../validation/instant.ts";
import type { CardLinks } from "./about.ts";
import { assistantKeys as keys } from "./keys.ts";
import { type Card, type CardKind, sortCards } from "./types.ts";

export const CARD_WAKE_JOB = "card_wake";

/**
 * A card about `message` for its sender, linking to whom it is about (see `cardLinks`); the caller adds it
 * to an atomic operation with `addCard`.
 */
export function cardFor(
  message: Message,
  fields: {
    kind: CardKind;
    headline: string;
    eventAt: number;
    comment?: string;
    alarmId?: string;
    lateByMs?: number | null;
  },
  links: CardLinks,
  now: number,
): Card {
  return {
    id: newId(now),
    teamId: message.teamId,
    userId: message.senderId,
    kind: fields.kind,
    messageId: message.id,
    alarmId: fields.alarmId ?? null,
    subject: message.subject,
    recipientLabel: recipientLabel(message),
    ...links,
    headline: fields.headline,
    eventAt: fields.eventAt,
    comment: fields.comment ?? "",
    lateByMs: fields.lateByMs ?? null,
    status: "active",
    snoozedUntil: null,
    job: null,
    readAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Adds the card, its index and its live event to `op`; returns the event to publish after commit. */
export function addCard(op: Deno.AtomicOperation, card: Card): LiveEvent {
  op.set(keys.card(card.teamId, card.id), card)
    .set(keys.cardByUser(card.teamId, card.userId, card.id), card.id);
  const event = liveEvent(card.teamId, "card.created", { card }, card.createdAt, card.userId);
  addToFeed(op, event);
  return event;
}

/**
 * A seller's cards, newest `limit` that are not dismissed. Dismissing takes a card off `card_by_user`; one
 * dismissed before that was so is taken off as it is met here (dismissed is for good).
 */
export async function listCards(kv: Deno.Kv, teamId: string, userId: string, limit = 200): Promise<Card[]> {
  const dismissed: Card[] = [];
  const page = await pageIndex<Card>(kv, keys.cardByUser(teamId, userId), {
    limit,
    reverse: true,
    load: (ids) => getValues<Card>(kv, ids.map((id) => keys.card(teamId, id))),
    keep: (card) => card.status !== "dismissed" || !dismissed.push(card),
  });
  for (let i = 0; i < dismissed.length; i += 500) {
    const op = kv.atomic();
    for (const card of dismissed.slice(i, i + 500)) op.delete(keys.cardByUser(teamId, userId, card.id));
    await op.commit();
  }
  return sortCards(page.items);
}

async function ownCard(kv: Deno.Kv, teamId: string, userId: string, id: string) {
  const entry = await kv.get<Card>(keys.card(teamId, id));
  if (!entry.value) throw notFound("No such card.");
  // Another seller's card is none of this one's business, as their drafts and tokens are: it isn't there.
  if (entry.value.userId !== userId) throw notFound("No such card.");
  return entry as Deno.KvEntry<Card> & { value: Card };
}

function update(kv: Deno.Kv, entry: Deno.KvEntry<Card>, card: Card, now: number) {
  const op = kv.atomic().check(entry).set(entry.key, card);
  const event = liveEvent(card.teamId, "card.updated", { card }, now, card.userId);
  addToFeed(op, event);
  return { op, event };
}

export async function markCardsRead(kv: Deno.Kv, teamId: string, userId: string, ids: string[], now: number) {
  const events: LiveEvent[] = [];
  for (const id of ids) {
    const entry = await ownCard(kv, teamId, userId, id);
    if (entry.value.readAt) continue;
    const { op, event } = update(kv, entry, { ...entry.value, readAt: now, updatedAt: now }, now);
    if ((await op.commit()).ok) events.push(event);
  }
  return events;
}

export async function dismissCard(kv: Deno.Kv, teamId: string, userId: string, id: string, now: number) {
  const entry = await ownCard(kv, teamId, userId, id);
  const { op, event } = update(
    kv,
    entry,
    { ...entry.value, status: "dismissed", job: null, updatedAt: now },
    now,
  );
  op.delete(keys.cardByUser(teamId, userId, id));
  if (entry.value.job) removeJob(op, entry.value.job);
  await commitOrConflict(op);
  return { card: { ...entry.value, status: "dismissed" as const }, events: [event] };
}

/** Hides a card until `until`; the scheduler brings it back (unread) then. */
export async function snoozeCard(
  kv: Deno.Kv,
  scheduler: Scheduler,
  teamId: string,
  userId: string,
  id: string,
  until: number,
  now: number,
) {
  checkFuture(until, now, "until");
  const entry = await ownCard(kv, teamId, userId, id);
  const card: Card = { ...entry.value, status: "snoozed", snoozedUntil: until, updatedAt: now };
  const { op, event } = update(kv, entry, card, now);
  if (entry.value.job) removeJob(op, entry.value.job);
  card.job = scheduler.add(op, { kind: CARD_WAKE_JOB, teamId, payload: { cardId: id }, dueAt: until, now });
  op.set(entry.key, card);
  await commitOrConflict(op);
  return { card, events: [event] };
}

/** The snooze job: the card comes back, unread. Duplicate wake-ups find it active and do nothing. */
export async function wakeCard(kv: Deno.Kv, teamId: string, cardId: string, jobId: string, now: number) {
  const entry = await kv.get<Card>(keys.card(teamId, cardId));
  const card = entry.value;
  if (!card || card.status !== "snoozed" || card.job?.id !== jobId) return [];
  const next: Card = {
    ...card,
    status: "active",
    readAt: null,
    snoozedUntil: null,
    job: null,
    updatedAt: now,
  };
  const { op, event } = update(kv, entry, next, now);
  return (await op.commit()).ok ? [event] : [];
}
