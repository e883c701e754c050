/**
 * Alarm deadlines and card snoozes, run by the scheduler. At a deadline the condition is
 * checked against the message's events: if it holds, a card is created for the sender
 * and the alarm is marked fired — in one checked commit, so a duplicate wake-up finds
 * the alarm fired and creates nothing; if the answer already came, the alarm is resolved.
 */
import { ALARM_JOB } from "../lib/alarms/alarms.ts";
import { readEngagement } from "../lib/alarms/engagement.ts";
import { evaluate } from "../lib/alarms/evaluate.ts";
import { alarmHeadline, notSentHeadline } from "../lib/alarms/headline.ts";
import { alarmKeys } from "../lib/alarms/keys.ts";
import type { Alarm } from "../lib/alarms/types.ts";
import { type CardLinks, cardLinks, type Person, personOf } from "../lib/assistant/about.ts";
import { addCard, CARD_WAKE_JOB, cardFor, wakeCard } from "../lib/assistant/cards.ts";
import type { CardKind } from "../lib/assistant/types.ts";
import { getContacts } from "../lib/contacts/contacts.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import type { Message } from "../lib/messages/types.ts";
import { accountKeys } from "../lib/accounts/keys.ts";
import type { User } from "../lib/accounts/types.ts";
import { addToFeed, liveEvent, publishAll } from "../lib/realtime/feed.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import type { Job, JobContext } from "../lib/scheduler/scheduler.ts";
import type { AppDeps } from "../routes/deps.ts";
import { notifyByEmail } from "./notifications.ts";

export function registerAlarms(deps: AppDeps): void {
  deps.scheduler.handle(
    ALARM_JOB,
    (job, context) => fireAlarm(deps, job as Job<{ alarmId: string }>, context),
  );
  deps.scheduler.handle(CARD_WAKE_JOB, async (job, context) => {
    const { cardId } = (job as Job<{ cardId: string }>).payload;
    await publishAll(deps.realtime, await wakeCard(deps.kv, job.teamId, cardId, job.id, context.now));
  });
}

/** The To recipients a card is about — those of `emails`, or all when it is empty — with their contacts. */
async function cardPeople(kv: Deno.Kv, message: Message, emails: string[] = []): Promise<Person[]> {
  const about = emails.map((e) => e.toLowerCase());
  const recipients = about.length
    ? message.to.filter((r) => about.includes(r.email.toLowerCase()))
    : message.to;
  const ids = recipients.map((r) => r.contactId).filter((id): id is string => !!id);
  const contacts = new Map(
    (await getContacts(kv, message.teamId, ids)).filter((c) => !!c).map((c) => [c!.id, c!]),
  );
  return recipients.map((r) => personOf(r, (r.contactId && contacts.get(r.contactId)) || null));
}

/** Whom a card is about (the To recipients of `emails`, or everyone in To), and its links and local time. */
export async function cardAbout(
  kv: Deno.Kv,
  message: Message,
  emails: string[] = [],
): Promise<{ people: Person[]; links: CardLinks }> {
  const people = await cardPeople(kv, message, emails);
  return { people, links: cardLinks(people) };
}

async function fireAlarm(deps: AppDeps, job: Job<{ alarmId: string }>, context: JobContext): Promise<void> {
  const { kv, clock } = deps;
  const entry = await kv.get<Alarm>(alarmKeys.alarm(job.teamId, job.payload.alarmId));
  const alarm = entry.value;
  if (!alarm || alarm.status !== "pending" || alarm.job?.id !== job.id) return;
  const [{ value: message }, { value: owner }] = await kv.getMany<[Message, User]>([
    messageKeys.message(alarm.teamId, alarm.messageId),
    accountKeys.user(alarm.ownerId),
  ]);
  const now = clock.now();
  // Its email gone, or its owner removed from the team: there is no one to tell.
  if (!message || !owner || owner.removedAt) {
    await kv.atomic().check(entry).set(entry.key, {
      ...alarm,
      status: "cancelled",
      job: null,
      updatedAt: now,
    }).commit();
    return;
  }
  const verdict = evaluate(alarm, await readEngagement(kv, message));
  const lateByMs = context.lateBy > 60_000 ? context.lateBy : null;
  const op = kv.atomic().check(entry);
  const events: LiveEvent[] = [];
  let settled: Alarm;
  if (verdict.holds) {
    const people = await cardPeople(kv, message, alarm.recipients);
    const everyone = people.length === message.to.length;
    const card = cardFor(
      message,
      {
        kind: alarm.condition as CardKind,
        headline: alarm.condition !== "reminder" && message.status !== "sent"
          ? notSentHeadline(message.status)
          : alarmHeadline(
            alarm.condition,
            people.map((p) => p.name),
            everyone,
            message.cc.length + message.bcc.length > 0,
          ),
        eventAt: alarm.dueAt,
        comment: alarm.comment,
        alarmId: alarm.id,
        lateByMs,
      },
      cardLinks(people),
      now,
    );
    events.push(addCard(op, card));
    settled = {
      ...alarm,
      status: "fired",
      cardId: card.id,
      outcome: "Card created",
      lateByMs,
      settledAt: now,
      job: null,
      updatedAt: now,
    };
  } else {
    settled = {
      ...alarm,
      status: "resolved",
      outcome: verdict.outcome,
      settledAt: now,
      job: null,
      updatedAt: now,
    };
  }
  op.set(entry.key, settled);
  const alarmEvent = liveEvent(
    alarm.teamId,
    "alarm.updated",
    { messageId: alarm.messageId, alarm: settled },
    now,
    alarm.ownerId,
  );
  addToFeed(op, alarmEvent);
  events.push(alarmEvent);
  context.complete(op);
  if (!(await op.commit()).ok) return; // changed meanwhile (edited, removed, or another wake-up won)
  await publishAll(deps.realtime, events);
  for (const event of events) if (event.type === "card.created") await notifyByEmail(deps, event);
}
