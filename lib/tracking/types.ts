export type EventType = "open" | "click" | "attachment_view" | "reply";

/** What a reply event keeps (the full message is stored with the inbound mail). */
export interface ReplyFacts {
  from: string;
  fromName: string;
  subject: string;
  /** The new text, quoted history stripped. */
  text: string;
  /** Why it is an auto-reply (out of office…), or null for a person's reply. */
  autoReply: string | null;
  /** False for a reply from someone the message was not sent to (a forward). */
  fromRecipient: boolean;
  inboundId: string;
}

/** One hit on a tracking URL, with what later classification needs. */
export interface EngagementEvent {
  id: string;
  teamId: string;
  messageId: string;
  type: EventType;
  at: number;
  /** Index of the To recipient, or null when the copy was shared by several. */
  recipient: number | null;
  /** Link index and destination for clicks; attachment index for attachment views. */
  index: number | null;
  url: string | null;
  method: string;
  userAgent: string;
  clientAddress: string;
  /** The request headers that matter for telling people from machines. */
  headers: Record<string, string>;
  /** Milliseconds since the message was sent. */
  sinceSendMs: number;
  /** HEAD requests and prefetches (Purpose/Sec-Purpose: prefetch): recorded, not counted as opens or clicks. */
  prefetch: boolean;
  /** For replies. */
  reply?: ReplyFacts;
}

/** A reply that counts: from a recipient, written by a person. */
export const countsAsReply = (e: Pick<EngagementEvent, "type" | "reply">) =>
  e.type === "reply" && !!e.reply && e.reply.fromRecipient && !e.reply.autoReply;

/** The derived counters of a message, updated in the same commit as its events. */
export interface MessageStats {
  messageId: string;
  sentAt: number;
  /** Copied from the message at send, so the tracking hot path never reads the message. */
  senderId: string;
  subject: string;
  opens: number;
  clicks: number;
  /** Clicks per link index. */
  linkClicks: Record<string, number>;
  attachmentViews: number;
  replies: number;
  prefetches: number;
  firstOpenedAt: number | null;
  lastOpenedAt: number | null;
  lastActivityAt: number | null;
}

export function emptyStats(
  message: { id: string; senderId: string; subject: string },
  sentAt: number,
): MessageStats {
  return {
    messageId: message.id,
    sentAt,
    senderId: message.senderId,
    subject: message.subject,
    opens: 0,
    clicks: 0,
    linkClicks: {},
    attachmentViews: 0,
    replies: 0,
    prefetches: 0,
    firstOpenedAt: null,
    lastOpenedAt: null,
    lastActivityAt: null,
  };
}

/** Adds one event to the counters (pure). */
export function applyEvent(stats: MessageStats, event: EngagementEvent): MessageStats {
  const next = { ...stats, linkClicks: { ...stats.linkClicks } };
  if (event.prefetch) {
    next.prefetches++;
    return next;
  }
  next.lastActivityAt = Math.max(next.lastActivityAt ?? 0, event.at);
  if (event.type === "open") {
    next.opens++;
    next.firstOpenedAt = Math.min(next.firstOpenedAt ?? event.at, event.at);
    next.lastOpenedAt = Math.max(next.lastOpenedAt ?? 0, event.at);
  } else if (event.type === "click") {
    next.clicks++;
    const key = String(event.index ?? 0);
    next.linkClicks[key] = (next.linkClicks[key] ?? 0) + 1;
  } else if (event.type === "attachment_view") {
    next.attachmentViews++;
  } else if (countsAsReply(event)) {
    next.replies++;
  }
  return next;
}

/** What pages and the API see of an event: no client address, no raw headers. */
export type PublicEvent = Omit<EngagementEvent, "clientAddress" | "headers" | "teamId">;

export function publicEvent(
  { clientAddress: _a, headers: _h, teamId: _t, ...rest }: EngagementEvent,
): PublicEvent {
  return rest;
}
