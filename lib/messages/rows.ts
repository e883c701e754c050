/** The shape lists and timelines show for a message, and how live events change it. Pure. */
import type { LiveEvent } from "../realtime/realtime.ts";
import type { MessageStats, PublicEvent } from "../tracking/types.ts";
import { type DeliveryKind, mergeDelivery } from "./delivery_status.ts";
import type { Message } from "./types.ts";
import { listKeyOf } from "./listing.ts";
import { isolated } from "../text/bidi.ts";

export interface MessageRow {
  id: string;
  subject: string;
  snippet: string;
  /** "Ana Lima", "Ana Lima +2", or the address when the recipient is not a contact. */
  toLabel: string;
  recipientCount: number;
  senderId: string;
  senderName: string;
  status: Message["status"];
  follow: Message["follow"];
  failure: Message["failure"];
  job: Message["job"];
  recipientTime: Message["recipientTime"];
  /** The provider's delivery report, so bounces show in the status. */
  delivery: Message["delivery"];
  sentAt: number | null;
  queuedAt: number | null;
  createdAt: number;
  /** Where lists put it, newest first (`listing.ts`). */
  listKey: string;
  stats: MessageStats | null;
}

export function recipientLabel(m: Pick<Message, "to" | "cc" | "bcc">): string {
  const first = m.to[0] ?? m.cc[0] ?? m.bcc[0];
  if (!first) return "No recipients";
  const more = m.to.length + m.cc.length + m.bcc.length - 1;
  return isolated(first.name || first.email) + (more > 0 ? ` +${more}` : "");
}

export function toRow(message: Message, stats: MessageStats | null, senderName: string): MessageRow {
  return {
    id: message.id,
    subject: message.subject || "(no subject)",
    snippet: message.snippet,
    toLabel: recipientLabel(message),
    recipientCount: message.to.length + message.cc.length + message.bcc.length,
    senderId: message.senderId,
    senderName,
    status: message.status,
    follow: message.follow,
    failure: message.failure,
    job: message.job,
    recipientTime: message.recipientTime,
    delivery: message.delivery ?? null,
    sentAt: message.sentAt,
    queuedAt: message.queuedAt,
    createdAt: message.createdAt,
    listKey: listKeyOf(message),
    stats,
  };
}

/** An "engagement" live event: a message's new events of one commit (the last also as `event`), with its counters. */
export interface EngagementData {
  messageId: string;
  /** The new events, oldest first. */
  events: PublicEvent[];
  stats: MessageStats;
}

/** The message a live event concerns, if any. */
export function messageIdOf(event: LiveEvent): string | null {
  const id = (event.data as { messageId?: unknown }).messageId;
  return typeof id === "string" ? id : null;
}

/** The counters to show: the incoming ones unless they are older (a replayed event). */
export function latestStats(current: MessageStats | null, incoming: MessageStats): MessageStats {
  return !current || eventCount(incoming) >= eventCount(current) ? incoming : current;
}

/** The delivery state after the reports among a live event's new events. */
export function deliveryAfter(current: Message["delivery"], data: EngagementData): Message["delivery"] {
  let delivery = current ?? null;
  for (const e of data.events) {
    if (e.type === "delivery" && e.delivery) {
      delivery = mergeDelivery(delivery, {
        kind: e.delivery.kind as DeliveryKind,
        reason: e.delivery.reason,
        at: e.at,
      });
    }
  }
  return delivery;
}

/** Applies an engagement live event to a row: counters and delivery state. */
export function withEngagement<R extends MessageRow>(row: R, data: EngagementData): R {
  return { ...row, stats: latestStats(row.stats, data.stats), delivery: deliveryAfter(row.delivery, data) };
}

/**
 * A row read again (after a "message.updated"), keeping the counters shown when they are newer: an engagement
 * event can arrive while the read is on its way, and the read's older counters would undo it.
 */
export function keepingNewerStats<R extends MessageRow>(row: R, was: MessageRow | undefined): R {
  return was?.stats && row.stats ? { ...row, stats: latestStats(was.stats, row.stats) } : row;
}

const eventCount = (s: MessageStats) => s.opens + s.clicks + s.attachmentViews + s.replies + s.prefetches;

/**
 * The rows with a message a live update just named, in its place in the list (newest first by list key, as the
 * server orders it: an email that went out moves to the top). A message not shown yet joins only when it is
 * newer than the last row shown: an older one belongs on a later page (catch-up on connect replays the last
 * seconds' updates, so updates come for messages a page left to the next one) — unless the list is `complete`
 * (it has no later page), when it joins in its place.
 */
export function withLiveRow(
  shown: MessageRow[],
  row: MessageRow,
  { complete = false }: { complete?: boolean } = {},
): MessageRow[] {
  const rows = shown.filter((r) => r.id !== row.id);
  const last = rows.at(-1);
  if (!complete && rows.length === shown.length && last && row.listKey < last.listKey) return shown;
  const at = rows.findIndex((r) => r.listKey < row.listKey);
  return at < 0 ? [...rows, row] : [...rows.slice(0, at), row, ...rows.slice(at)];
}
