/**
 * The team feed: every live event is also written to KV, in the same commit as
 * what it reports, so a page that reconnects asks for everything after its last
 * event id and misses nothing. Entries expire after a week.
 */
import { decodeTime, encodeTime } from "ulid";
import { isId, newId } from "../storage/ids.ts";
import { listValues } from "../storage/kv.ts";
import type { LiveEvent, Realtime } from "./realtime.ts";

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

/** Events after `afterId` (with a small overlap the client de-duplicates), oldest first. */
export async function feedSince(
  kv: Deno.Kv,
  teamId: string,
  afterId: string,
  limit = 500,
): Promise<LiveEvent[]> {
  const afterTime = afterTimeOf(afterId);
  if (afterTime === null) return [];
  // The time part of a ULID, written directly: newId() is monotonic and would never go back in time.
  const start = encodeTime(Math.max(0, afterTime - CATCH_UP_OVERLAP_MS), 10);
  const events = await listValues<LiveEvent>(kv, { prefix: feedKey(teamId), start: feedKey(teamId, start) }, {
    limit,
  });
  return events.filter((e) => e.id !== afterId);
}

function afterTimeOf(id: string): number | null {
  if (!isId(id)) return null;
  try {
    return decodeTime(id);
  } catch {
    return null;
  }
}
