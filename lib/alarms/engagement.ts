/** The engagement an alarm is checked against, from a message's stored events. */
import { allRecipients, type Message } from "../messages/types.ts";
import { readEvents } from "../tracking/event_log.ts";
import { countsAsReply, type EngagementEvent, isHumanEvent } from "../tracking/types.ts";
import type { Engagement } from "./evaluate.ts";

/** People's opens only: prefetches and machine opens (privacy proxies, scanners) don't settle "not opened". */
export function engagementOf(
  message: Pick<Message, "to" | "cc" | "bcc">,
  events: EngagementEvent[],
): Engagement {
  const to = message.to.map((r) => r.email);
  const names = Object.fromEntries(
    allRecipients(message).filter((r) => r.name).map((r) => [r.email.toLowerCase(), r.name]),
  );
  return {
    names,
    to,
    opens: events.filter((e) => e.type === "open" && isHumanEvent(e))
      .map((e) => ({ by: e.recipient === null ? null : to[e.recipient] ?? null, at: e.at })),
    replies: events.filter(countsAsReply).map((e) => ({ by: e.reply!.from, at: e.at })),
  };
}

/** A message's engagement as stored now: its newest 1,000 events, what every alarm check reads. */
export async function readEngagement(
  kv: Deno.Kv,
  message: Pick<Message, "teamId" | "id" | "to" | "cc" | "bcc">,
): Promise<Engagement> {
  return engagementOf(
    message,
    await readEvents(kv, message.teamId, message.id, { reverse: true, limit: 1000 }),
  );
}
