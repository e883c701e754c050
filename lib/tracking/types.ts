import type { Classification } from "../classify/types.ts";

export type EventType = "open" | "click" | "attachment_view" | "reply" | "delivery";

/** What a reply event keeps (the full message is stored with the inbound mail). */
export interface ReplyFacts {
  from: string;
  /** The mail's display name; without one, the name the message gave that recipient (or ""). */
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
  /** For delivery reports. */
  delivery?: { kind: string; reason: string | null; recipient: string | null };
  /** Person or machine, and why: computed when recorded (re-computable), absent on replies and reports. */
  verdict?: Classification;
}

/** An open, click or view a person made (not a prefetch, not a machine). Events without a verdict predate it. */
export const isHumanEvent = (e: Pick<EngagementEvent, "prefetch" | "verdict">) =>
  !e.prefetch && (!e.verdict || e.verdict.verdict === "human");

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
  /** Views per attachment index. */
  attachmentViewsBy?: Record<string, number>;
  replies: number;
  prefetches: number;
  /** Opens by Apple's Mail Privacy Protection proxy (counted as opens only when the team says so). */
  privacyProxyOpens?: number;
  /** Opens, clicks and views by other machines (scanners, bots) or unknown clients: never counted. */
  machineOpens?: number;
  machineClicks?: number;
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
  return countEvent(copyStats(stats), event);
}

/** A copy of the counters that countEvent may change without touching the original. */
export function copyStats(stats: MessageStats): MessageStats {
  const copy = { ...stats, linkClicks: { ...stats.linkClicks } };
  if (stats.attachmentViewsBy) copy.attachmentViewsBy = { ...stats.attachmentViewsBy };
  return copy;
}

/**
 * Adds one event to counters the caller owns (a copy from copyStats), in place, and returns them:
 * a batch of many hits on one message counts them all on one copy.
 */
export function countEvent(next: MessageStats, event: EngagementEvent): MessageStats {
  if (event.type === "delivery") return next;
  if (event.prefetch) {
    next.prefetches++;
    return next;
  }
  if (!isHumanEvent(event) && event.type !== "reply") {
    if (event.type === "open") {
      if (event.verdict?.kind === "privacy_proxy") next.privacyProxyOpens = (next.privacyProxyOpens ?? 0) + 1;
      else next.machineOpens = (next.machineOpens ?? 0) + 1;
    } else {
      next.machineClicks = (next.machineClicks ?? 0) + 1;
    }
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
    const key = String(event.index ?? 0);
    next.attachmentViewsBy ??= {};
    next.attachmentViewsBy[key] = (next.attachmentViewsBy[key] ?? 0) + 1;
  } else if (countsAsReply(event)) {
    next.replies++;
  }
  return next;
}

/** Opens to show as opens: people's, plus Apple's privacy proxy when the team counts those. */
export function countedOpens(
  stats: Pick<MessageStats, "opens" | "privacyProxyOpens">,
  countProxyOpens: boolean,
): number {
  return stats.opens + (countProxyOpens ? stats.privacyProxyOpens ?? 0 : 0);
}

/** What pages and the API see of an event: no client address, no raw headers. */
export type PublicEvent = Omit<EngagementEvent, "clientAddress" | "headers" | "teamId">;

export function publicEvent(
  { clientAddress: _a, headers: _h, teamId: _t, ...rest }: EngagementEvent,
): PublicEvent {
  return rest;
}
