/** What follows a recorded tracking hit: the live update, and the sender's first-open alert. */
import { liveEvent, publishAll } from "../lib/realtime/feed.ts";
import type { Committed } from "../lib/tracking/recorder.ts";
import type { AppDeps } from "../routes/deps.ts";

export async function afterTrackingCommit(deps: AppDeps, committed: Committed[]): Promise<void> {
  const events = committed.map((c) => c.live);
  for (const c of committed.filter((c) => c.firstOpen)) {
    events.push(liveEvent(
      c.event.teamId,
      "alert.first_open",
      {
        messageId: c.event.messageId,
        subject: c.stats.subject,
        at: c.event.at,
      },
      deps.clock.now(),
      c.stats.senderId,
    ));
  }
  await publishAll(deps.realtime, events);
}
