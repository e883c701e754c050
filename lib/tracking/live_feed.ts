/**
 * Engagement events in the team's live feed (realtime/feed.ts). A tracking commit writes its
 * events into their entries (event_log.ts) and, in the same commit, a feed entry for each live
 * event; the feed entry names those entries instead of holding a second copy of the events,
 * which halves what a busy commit writes. Catch-up reads the events back from the entries, so a
 * page that reconnects gets the same live events it would have received.
 */
import type { LiveEvent } from "../realtime/realtime.ts";
import { readEntries } from "./event_log.ts";
import { publicEvent } from "./types.ts";

/** What the feed keeps of an engagement live event whose events are in these entries. */
export function feedCopy(live: LiveEvent, entryIds: string[]): LiveEvent {
  const { events: _events, ...data } = live.data;
  return { ...live, data: { ...data, eventEntries: entryIds } };
}

/** Feed entries as published: engagement events get their events back from the entries they name. */
export function withEvents(kv: Deno.Kv, feed: LiveEvent[]): Promise<LiveEvent[]> {
  return Promise.all(feed.map(async (live) => {
    const { eventEntries, ...data } = live.data;
    if (!Array.isArray(eventEntries)) return live;
    const events = await readEntries(kv, live.teamId, data.messageId as string, eventEntries);
    return { ...live, data: { ...data, events: events.map(publicEvent) } };
  }));
}
