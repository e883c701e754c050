/**
 * What the send-time picker says: each recipient's local time beside the chosen one, plain advice when it
 * is outside their business hours, and a guessed zone for contacts without one. Pure.
 */
import { type BusinessHours, formatHours, formatLocal, outsideReason } from "./business_hours.ts";
import { possessive } from "./recommend.ts";
import { isKnownZone, zoned } from "./temporal.ts";
import { cityOf } from "../time/zones.ts";

export interface ChoicePerson {
  name: string;
  zone: string | null;
  hours: BusinessHours;
}

export interface ChoiceLine {
  name: string;
  zone: string | null;
  /** "Lisbon" from "Europe/Lisbon"; null without a usable zone. */
  city: string | null;
  /** "Tue 09:00" in the recipient's zone; null without a usable zone. */
  localText: string | null;
  /** Inside their business hours; null when that cannot be known. */
  inside: boolean | null;
  /** Plain text when outside hours or when advice is unavailable; null when all is well. */
  advice: string | null;
}

/**
 * Per recipient, how the instant `at` (the chosen time, or now) looks to them: "Tue 09:00 for Ana in
 * Lisbon", and when it is outside their hours, advice such as "Tue 19:30 in Tokyo is outside Ken's business
 * hours (Mon–Fri 08:00–17:00)." A recipient without a zone (or with one Temporal does not know) gets
 * advice that it is unavailable and how to fix it; the caller may retry with `guessZone(…)` and say so.
 */
export function describeChoice(at: number, people: ChoicePerson[]): ChoiceLine[] {
  return people.map(({ name, zone, hours }): ChoiceLine => {
    if (!zone) {
      return {
        name,
        zone: null,
        city: null,
        localText: null,
        inside: null,
        advice: `Advice is unavailable: ${name} has no time zone. Set it on the contact.`,
      };
    }
    if (!isKnownZone(zone)) {
      return {
        name,
        zone,
        city: null,
        localText: null,
        inside: null,
        advice: `Advice is unavailable: ${possessive(name)} time zone "${zone}" is not recognised. ` +
          `Set it on the contact.`,
      };
    }
    const city = cityOf(zone);
    const localText = formatLocal(at, zone);
    const reason = outsideReason(at, zone, hours);
    let advice: string | null = null;
    if (reason === "closed_date") {
      const date = zoned(at, zone).toPlainDate().toString();
      advice = `${localText} in ${city} is outside ${possessive(name)} business hours (closed on ${date}).`;
    } else if (reason) {
      advice = `${localText} in ${city} is outside ${possessive(name)} business hours (${
        formatHours(hours)
      }).`;
    }
    return { name, zone, city, localText, inside: reason === null, advice };
  });
}

/** "Tue 09:00 for Ana in Lisbon, 17:00 for Ken in Tokyo" is left to the UI; this is one part of it. */
export function localTimeFor(at: number, person: { name: string; zone: string }): string {
  return `${formatLocal(at, person.zone)} for ${person.name} in ${cityOf(person.zone)}`;
}

/** The one-click action's label: "Delay send to Tue 09:10 Ana's time". */
export function delayLabel(at: number, person: { name: string; zone: string }): string {
  return `Delay send to ${formatLocal(at, person.zone)} ${possessive(person.name)} time`;
}

/**
 * A zone for a contact without one, from the zones of the company's other contacts: the most common one.
 * Null when there are none, or when two or more zones tie for most common (a coin toss is not a guess).
 */
export function guessZone(otherZones: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const zone of otherZones) if (zone) counts.set(zone, (counts.get(zone) ?? 0) + 1);
  let best: string | null = null, bestCount = 0, tied = false;
  for (const [zone, count] of counts) {
    if (count > bestCount) [best, bestCount, tied] = [zone, count, false];
    else if (count === bestCount) tied = true;
  }
  return tied ? null : best;
}
