/**
 * What follows recorded tracking hits (after commit, off the response path): the live
 * updates; on a message's first counted open, the sender's "Email opened" card and toast;
 * and alarms that an open settles before their deadline.
 */
import { settleAlarms } from "../lib/alarms/alarms.ts";
import { addCard, cardFor } from "../lib/assistant/cards.ts";
import { assistantKeys } from "../lib/assistant/keys.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import type { Message } from "../lib/messages/types.ts";
import { liveEvent, publishAll } from "../lib/realtime/feed.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import type { Committed } from "../lib/tracking/recorder.ts";
import { isHumanEvent } from "../lib/tracking/types.ts";
import type { AppDeps } from "../routes/deps.ts";
import { cardAbout } from "./alarms.ts";
import { notifyByEmail } from "./notifications.ts";
import { toOnePerson } from "../lib/messages/send_rules.ts";

export async function afterTrackingCommit(deps: AppDeps, committed: Committed[]): Promise<void> {
  await publishAll(deps.realtime, [...new Set(committed.map((c) => c.live))]);
  const opened = new Map<string, Committed>();
  for (const c of committed) {
    if (c.event.type === "open" && isHumanEvent(c.event)) opened.set(c.event.messageId, c);
  }
  for (const c of opened.values()) {
    const message =
      (await deps.kv.get<Message>(messageKeys.message(c.event.teamId, c.event.messageId))).value;
    if (!message) continue;
    const events: LiveEvent[] = [];
    if (committed.some((x) => x.firstOpen && x.event.messageId === message.id)) {
      events.push(...await openedCard(deps, message, c.event.at));
    }
    events.push(...await settleAlarms(deps.kv, message, deps.clock.now()));
    await publishAll(deps.realtime, events);
    for (const event of events) if (event.type === "card.created") await notifyByEmail(deps, event);
  }
}

/** The "Email opened" card and the toast, once per message. */
async function openedCard(deps: AppDeps, message: Message, at: number): Promise<LiveEvent[]> {
  const now = deps.clock.now();
  // One recipient: them, by their contact's name; several (a Cc or Bcc too) share one pixel, so who opened
  // isn't known.
  const { people, links } = await cardAbout(deps.kv, message);
  const who = toOnePerson(message) ? people[0].name : "Someone";
  const card = cardFor(
    message,
    { kind: "email_opened", headline: `${who} opened your email`, eventAt: at },
    links,
    now,
  );
  const once = assistantKeys.cardOnce(message.teamId, "email_opened", message.id, message.senderId);
  const op = deps.kv.atomic().check({ key: once, versionstamp: null }).set(once, card.id);
  const created = addCard(op, card);
  if (!(await op.commit()).ok) return [];
  const alert = liveEvent(
    message.teamId,
    "alert.first_open",
    { messageId: message.id, subject: message.subject, who, at },
    now,
    message.senderId,
  );
  return [created, alert];
}
