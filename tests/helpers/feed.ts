/** Fills a team's live feed directly in KV (published to nobody): what a page away for a while missed. */
import { addToFeed, liveEvent } from "../../lib/realtime/feed.ts";
import type { LiveEvent } from "../../lib/realtime/realtime.ts";

/** Writes `count` "note" events for `teamId`, `stepMs` apart from `t0`; returns them, oldest first. */
export async function fillFeed(
  kv: Deno.Kv,
  teamId: string,
  count: number,
  t0: number,
  stepMs = 1,
): Promise<LiveEvent[]> {
  const events = Array.from({ length: count }, (_, i) => liveEvent(teamId, "note", {}, t0 + i * stepMs));
  for (let i = 0; i < count; i += 500) {
    const op = kv.atomic();
    for (const event of events.slice(i, i + 500)) addToFeed(op, event);
    await op.commit();
  }
  return events;
}
