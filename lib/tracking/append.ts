/**
 * Appends one engagement event that is not a tracking hit (a reply, a delivery report)
 * with its counters and feed entry in one checked commit. Low volume, so no batching.
 */
import { addToFeed, liveEvent } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { trackingKeys as keys } from "./keys.ts";
import { addEvents } from "./event_log.ts";
import { applyEvent, type EngagementEvent, type MessageStats, publicEvent } from "./types.ts";

export async function appendEvent(
  kv: Deno.Kv,
  event: EngagementEvent,
  options: {
    /** More writes for the same commit. */
    extra?: (op: Deno.AtomicOperation) => void;
    /** A key that must not exist yet (and is then set): the event is recorded at most once. */
    once?: Deno.KvKey;
  } = {},
): Promise<{ stats: MessageStats | null; live: LiveEvent } | null> {
  for (;;) {
    if (options.once && (await kv.get(options.once)).versionstamp) return null;
    const entry = await kv.get<MessageStats>(keys.stats(event.teamId, event.messageId));
    const stats = entry.value ? applyEvent(entry.value, event) : null;
    const live = liveEvent(event.teamId, "engagement", {
      messageId: event.messageId,
      events: [publicEvent(event)],
      stats,
    }, event.at);
    const op = kv.atomic().check(entry);
    addEvents(op, [event]);
    if (stats) op.set(entry.key, stats);
    addToFeed(op, live);
    options.extra?.(op);
    if (options.once) op.check({ key: options.once, versionstamp: null }).set(options.once, event.id);
    if ((await op.commit()).ok) return { stats, live };
  }
}
