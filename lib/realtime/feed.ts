/**
 * The team feed: every live event is also written to KV, in the same commit as
 * what it reports, so a page that reconnects asks for everything after its last
 * event id and misses nothing. Entries expire after a week.
 */
import { decodeTime, encodeTime } from "ulid";
import { isId, newId } from "../storage/ids.ts";
import { listValues } from "../storage/kv.ts";
import { type LiveEvent, MAX_CATCH_UP, type Realtime } from "./realtime.ts";

export const FEED_TTL_MS = 7 * 24 * 3600_000;
/** Catch-up also re-reads this far before the last id: ids minted elsewhere may commit slightly out of order. */
export const CATCH_UP_OVERLAP_MS = 5_000;

export const feedKey = (teamId: string, eventId?: string): Deno.KvKey =>
  eventId ? ["team", teamId, "feed", eventId] : ["team", teamId, "feed"];

export function liveEvent(
  teamId: string,
  type: string,
  data: Record<string, unknown>,
  now: number,
  userId?: string,
): LiveEvent {
  return { id: newId(now), teamId, type, data, at: now, ...(userId ? { userId } : {}) };
}

/** Adds the feed entry for `event` to the caller's atomic operation. */
export function addToFeed(op: Deno.AtomicOperation, event: LiveEvent): void {
  op.set(feedKey(event.teamId, event.id), event, { expireIn: FEED_TTL_MS });
}

/** Publishes committed events; a failing adapter is logged, never thrown into the caller. */
export async function publishAll(realtime: Realtime, events: LiveEvent[]): Promise<void> {
  for (const event of events) {
    try {
      await realtime.publish(event);
    } catch (error) {
      console.error(`realtime publish failed for ${event.type}`, error);
    }
  }
}

/** Events in one page of catch-up. */
export const FEED_PAGE = 500;

/** Where a page of the feed starts: after an event the reader has, or exactly where the page before ended. */
export type FeedFrom = { after: string } | { cursor: string };

export interface FeedPage {
  /** Oldest first. */
  events: LiveEvent[];
  /** Set when more may follow: the `cursor` of the next page. */
  next: string | null;
}

/**
 * A page of the feed. After an event id it starts a little before that event (ids minted elsewhere
 * may commit slightly out of order; the reader drops what it has); from a cursor, exactly after it.
 */
export async function feedPage(
  kv: Deno.Kv,
  teamId: string,
  from: FeedFrom,
  limit = FEED_PAGE,
): Promise<FeedPage> {
  const id = "after" in from ? from.after : from.cursor;
  const time = afterTimeOf(id);
  if (time === null) return { events: [], next: null };
  // The time part of a ULID, written directly: newId() is monotonic and would never go back in time.
  const start = "after" in from ? encodeTime(Math.max(0, time - CATCH_UP_OVERLAP_MS), 10) : id;
  const listed = await listValues<LiveEvent>(kv, { prefix: feedKey(teamId), start: feedKey(teamId, start) }, {
    limit: limit + 1,
  });
  // One more than the page, to know whether the feed goes on (an extra, empty page at worst).
  const events = listed.filter((e) => e.id !== id).slice(0, limit);
  return { events, next: listed.length > limit ? events.at(-1)!.id : null };
}

/** True when what came after this event may be gone from the feed already (entries expire after FEED_TTL_MS). */
export function outlivedFeed(after: string, now: number): boolean {
  const time = afterTimeOf(after);
  return time !== null && time < now - FEED_TTL_MS;
}

/**
 * Everything after `after`, page by page, up to `max` events newer than it (the few seconds re-read
 * before it don't count); `complete` is false when there was more, or when some may have expired (the
 * reader then knows it missed some, and says so).
 */
export async function replayFeed(
  kv: Deno.Kv,
  teamId: string,
  after: string,
  now: number,
  max = MAX_CATCH_UP,
): Promise<{ events: LiveEvent[]; complete: boolean }> {
  const expired = outlivedFeed(after, now);
  const events: LiveEvent[] = [];
  let from: FeedFrom = { after }, newer = 0;
  for (;;) {
    const page = await feedPage(kv, teamId, from);
    for (const event of page.events) {
      if (event.id > after && newer++ === max) return { events, complete: false };
      events.push(event);
    }
    if (!page.next) return { events, complete: !expired };
    from = { cursor: page.next };
  }
}

function afterTimeOf(id: string): number | null {
  if (!isId(id)) return null;
  try {
    return decodeTime(id);
  } catch {
    return null;
  }
}
