/**
 * Send-time advice for a draft: gathers what the pure logic needs — recipients' zones and
 * hours (contact override, else the team's), zone guesses from their company, their own and
 * the team's engagement history — and puts the answer together for the schedule control.
 */
import { type Team, teamSettings } from "../accounts/types.ts";
import { listCompanyContacts } from "../contacts/contacts.ts";
import type { Contact } from "../contacts/types.ts";
import { callName } from "../contacts/types.ts";
import { getContacts } from "../contacts/contacts.ts";
import { listActivity, listEvents, listMessagesFor } from "../messages/list.ts";
import { toOnePerson } from "../messages/send_rules.ts";
import type { Message } from "../messages/types.ts";
import { countsAsReply, type EngagementEvent, isHumanEvent } from "../tracking/types.ts";
import type { BusinessHours } from "./business_hours.ts";
import { type ChoiceLine, delayLabel, describeChoice, guessZone, localTimeFor } from "./advice.ts";
import { type History, type Recommendation, recommendSendTime } from "./recommend.ts";
import { type Audience, bestCompromise, commonSlot } from "./slots.ts";

export interface PersonAdvice extends ChoiceLine {
  email: string;
  contactId: string | null;
  /** A zone guessed from the company's other contacts, when the contact has none. */
  guessedZone: string | null;
}

export interface Advice {
  /** The instant the advice is about (the chosen time, or now). */
  at: number;
  people: PersonAdvice[];
  /** For one recipient: the recommended time and the evidence behind it. */
  recommendation: (Recommendation & { label: string; localText: string }) | null;
  /** For several: the earliest time inside everyone's hours within 7 days … */
  common: { at: number; label: string } | null;
  /** … or, when there is none, the best compromise with each person's local time. */
  compromise: { at: number; inside: string[]; outside: string[]; times: string[] } | null;
  /** Why there is no recommendation, when there is none. */
  unavailable: string | null;
}

const TEAM_HISTORY_MESSAGES = 300;

/** A history (instants of people's events) from events: machine opens and clicks never count. */
export function historyOf(events: EngagementEvent[]): History {
  const human = events.filter(isHumanEvent);
  return {
    clicks: human.filter((e) => e.type === "click").map((e) => e.at),
    replies: human.filter(countsAsReply).map((e) => e.at),
    opens: human.filter((e) => e.type === "open").map((e) => e.at),
  };
}

const merge = (a: History, b: History): History => ({
  clicks: [...a.clicks, ...b.clicks],
  replies: [...a.replies, ...b.replies],
  opens: [...a.opens, ...b.opens],
});
const EMPTY: History = { clicks: [], replies: [], opens: [] };

async function ownHistory(kv: Deno.Kv, teamId: string, contactId: string): Promise<History> {
  const messages = await listMessagesFor(kv, teamId, { type: "contact", id: contactId }, 100);
  let history = EMPTY;
  for (const { message } of messages) {
    if (!toOnePerson(message) || message.to[0].contactId !== contactId) continue; // only their own copies
    history = merge(history, historyOf(await listEvents(kv, teamId, message.id, { limit: 500 })));
  }
  return history;
}

async function teamHistory(kv: Deno.Kv, teamId: string, zone: string, userId: string) {
  const page = await listActivity(kv, teamId, { scope: "team", userId, limit: TEAM_HISTORY_MESSAGES });
  let history = EMPTY;
  const people = new Set<string>();
  for (const { message } of page.items) {
    if (message.recipientTime?.zone !== zone || message.status !== "sent") continue;
    people.add(message.to[0]?.email ?? "");
    history = merge(history, historyOf(await listEvents(kv, teamId, message.id, { limit: 500 })));
  }
  return { history, size: people.size };
}

async function zoneGuess(kv: Deno.Kv, teamId: string, contact: Contact | null): Promise<string | null> {
  if (!contact?.companyId || contact.timeZone) return null;
  const others = await listCompanyContacts(kv, teamId, contact.companyId);
  return guessZone(others.filter((c) => c.id !== contact.id).map((c) => c.timeZone));
}

export async function adviseSendTime(
  kv: Deno.Kv,
  team: Team,
  viewer: { id: string },
  message: Message,
  { at, now }: { at: number | null; now: number },
): Promise<Advice> {
  const when = at ?? now;
  const teamHours = teamSettings(team).businessHours;
  const ids = message.to.map((r) => r.contactId).filter((id): id is string => !!id);
  const contacts = new Map(
    (await getContacts(kv, team.id, ids)).filter((c): c is Contact => !!c).map((c) => [c.id, c]),
  );
  const people = await Promise.all(message.to.map(async (r) => {
    const contact = r.contactId ? contacts.get(r.contactId) ?? null : null;
    const hours: BusinessHours = contact?.businessHours ?? teamHours;
    const name = contact ? callName(contact) : r.email;
    return {
      r,
      contact,
      name,
      hours,
      zone: contact?.timeZone ?? null,
      guessedZone: await zoneGuess(kv, team.id, contact),
    };
  }));
  const lines = describeChoice(when, people.map((p) => ({ name: p.name, zone: p.zone, hours: p.hours })));
  const advice: Advice = {
    at: when,
    people: people.map((p, i) => ({
      ...lines[i],
      email: p.r.email,
      contactId: p.contact?.id ?? null,
      guessedZone: p.guessedZone,
    })),
    recommendation: null,
    common: null,
    compromise: null,
    unavailable: null,
  };
  const known = people.filter((p) => p.zone);
  if (!message.to.length) {
    advice.unavailable = "Add a recipient to get advice.";
    return advice;
  }
  if (known.length < people.length) {
    const missing = people.filter((p) => !p.zone).map((p) => p.name);
    advice.unavailable =
      `Advice is unavailable until ${missing.join(", ")} ${
        missing.length === 1 ? "has" : "have"
      } a time zone. ` +
      "Set it on the contact.";
    return advice;
  }
  const from = Math.max(now, at ?? now);
  if (people.length === 1) {
    const [p] = people;
    const own = p.contact ? await ownHistory(kv, team.id, p.contact.id) : EMPTY;
    const { history, size } = await teamHistory(kv, team.id, p.zone!, viewer.id);
    const rec = recommendSendTime({
      now,
      from,
      recipient: { name: p.name, zone: p.zone!, hours: p.hours },
      own,
      team: history,
      teamSize: size,
    });
    advice.recommendation = {
      ...rec,
      label: delayLabel(rec.at, { name: p.name, zone: p.zone! }),
      localText: localTimeFor(rec.at, { name: p.name, zone: p.zone! }),
    };
    return advice;
  }
  const audience: Audience[] = people.map((p) => ({ name: p.name, zone: p.zone!, hours: p.hours }));
  const common = commonSlot(from, audience);
  if (common !== null) {
    advice.common = { at: common, label: audience.map((p) => localTimeFor(common, p)).join(", ") };
  } else {
    const c = bestCompromise(from, audience);
    advice.compromise = { ...c, times: audience.map((p) => localTimeFor(c.at, p)) };
  }
  return advice;
}
