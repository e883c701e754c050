/**
 * Times people pick with one click — "Tomorrow 09:00", "In 2 days", "Next Monday" — and
 * the conversion between a `datetime-local` field and an instant in the seller's zone
 * (the browser's own zone may differ from the profile's). Pure; needs Temporal (see temporal.ts).
 */
import { formatWeekdayTime } from "../time/format.ts";
import type { BusinessHours } from "./business_hours.ts";
import { nextBusinessSlot } from "./slots.ts";
import { temporal, zoned } from "./temporal.ts";

/** The instant of `time` ("09:00") on the local date `daysAhead` days after `now`'s, in `zone`. */
export function atLocal(now: number, zone: string, daysAhead: number, time: string): number {
  const date = zoned(now, zone).toPlainDate().add({ days: daysAhead });
  return date.toZonedDateTime({ timeZone: zone, plainTime: temporal().PlainTime.from(time) })
    .epochMilliseconds;
}

/** The hours a call is proposed in where the person is, 10:00 first; the seller's own day, 08:00 to 18:00. */
const CALL_HOURS = [10, 9, 11, 14, 15, 16, 13, 12];
const SELLER_DAY = { from: 8, to: 18 };

/**
 * When to propose a call, tomorrow: at an hour of the person's working day that is in the seller's day too
 * (10:00 where they can; a Lisbon seller calling New York gets 09:00 there, 14:00 for them). When none is
 * (Lisbon and Tokyo), 10:00 where the person is: a call is at their hour, and the form shows the seller's.
 */
export function proposedCallTime(now: number, theirZone: string, ownZone: string): number {
  const candidates = CALL_HOURS.map((h) => atLocal(now, theirZone, 1, `${String(h).padStart(2, "0")}:00`));
  const suits = (at: number) => {
    const hour = zoned(at, ownZone).hour;
    return hour >= SELLER_DAY.from && hour < SELLER_DAY.to;
  };
  return candidates.find(suits) ?? candidates[0];
}

export interface QuickChoice {
  label: string;
  at: number;
}

/**
 * One-click times, each moved forward into business hours when it falls outside them. A moved choice is
 * labelled with the day and time it picks ("Mon 08:00": on a Friday "Tomorrow 09:00" would be Saturday), and
 * choices that land on the same time are offered once.
 */
export function quickChoices(now: number, zone: string, hours: BusinessHours): QuickChoice[] {
  const today = zoned(now, zone).dayOfWeek; // 1 = Monday
  const toMonday = ((8 - today) % 7) || 7;
  const choice = (label: string, wanted: number): QuickChoice => {
    const at = nextBusinessSlot(wanted, zone, hours) ?? wanted;
    return { label: at === wanted ? label : formatWeekdayTime(at, zone), at };
  };
  const choices = [
    choice("Tomorrow 09:00", atLocal(now, zone, 1, "09:00")),
    choice("In 2 days", now + 2 * 86_400_000),
    choice("Next Monday 09:00", atLocal(now, zone, toMonday, "09:00")),
  ];
  return choices.filter((c, i) => choices.findIndex((other) => other.at === c.at) === i);
}

/** "2026-03-03T15:00" (a datetime-local value) read in `zone`; null when empty or invalid. */
export function fromLocalInput(value: string, zone: string): number | null {
  if (!value) return null;
  try {
    return temporal().PlainDateTime.from(value).toZonedDateTime(zone).epochMilliseconds;
  } catch {
    return null;
  }
}

/** The datetime-local value for an instant in `zone`. */
export function toLocalInput(at: number, zone: string): string {
  return zoned(at, zone).toPlainDateTime().toString({ smallestUnit: "minute" });
}
