/**
 * The recommended send time for one recipient, from the best evidence there is. Pure.
 *
 * Evidence, in order:
 * 1. the recipient's own history: the local hours at which they replied, clicked and opened;
 * 2. the team's history with people in the recipient's zone (the caller filters it to that zone);
 * 3. the next business-hour slot.
 *
 * A history is read as a tally per LOCAL HOUR OF DAY (0–23, in the recipient's zone), weighted reply 3,
 * click 2, open 1 (opens count least: mail privacy features and scanners prefetch images). Hour of day, not
 * weekday + hour: a small team's history for one person is a handful of events, which 24 buckets can say
 * something about and 168 cannot; the weekday is already narrowed by business days, and waiting up to a
 * week for "the best Tuesday" costs more than it gains. Only hours that overlap business hours are
 * considered, and a history is used only if those hours hold at least the minimum weight
 * (`MIN_RECIPIENT_EVIDENCE`, `MIN_TEAM_EVIDENCE`). The winning hour is the heaviest; among equally heavy
 * hours, the one that comes round first. The time is then the first grid instant >= max(now, from) within
 * that local hour that is inside business hours (so at 10:20 with 10:00 the best hour, it is 10:20, not
 * tomorrow 10:00). A level with too little evidence, or no such instant within 14 days, falls to the next.
 */
import { type BusinessHours, formatHours, parseWallTime, wallTimeText } from "./business_hours.ts";
import { type Audience, DEFAULT_STEP_MINUTES, nextBusinessSlot, roundUpToGrid } from "./slots.ts";
import { zoned } from "./temporal.ts";
import { cityOf } from "../time/zones.ts";

/** Instants (epoch ms) of a recipient's, or the team's, human events. */
export interface History {
  clicks: number[];
  replies: number[];
  opens: number[];
}

export interface Recommendation {
  /** The recommended instant: inside business hours, >= now (and >= from). */
  at: number;
  basis: "recipient" | "team" | "business_hours";
  /** How many events fell in the chosen local hour (0 for business_hours). */
  evidence: number;
  /** "based on 7 of Ana's replies and clicks", "the next business hour in Tokyo". */
  explanation: string;
}

export const EVIDENCE_WEIGHTS = Object.freeze({ reply: 3, click: 2, open: 1 });
/** Weighted evidence (inside business hours) needed before a recipient's own history is used: 2 replies. */
export const MIN_RECIPIENT_EVIDENCE = 6;
/** Weighted evidence needed before the team's history for the zone is used. */
export const MIN_TEAM_EVIDENCE = 10;
/** How far ahead a history-based time may be. */
export const HISTORY_HORIZON_DAYS = 14;
/** How far ahead the business-hours fallback looks (closed dates could cover weeks). */
export const FALLBACK_HORIZON_DAYS = 366;

export const EMPTY_HISTORY: History = Object.freeze({
  clicks: Object.freeze([]) as unknown as number[],
  replies: Object.freeze([]) as unknown as number[],
  opens: Object.freeze([]) as unknown as number[],
});

interface HourTally {
  weight: number;
  replies: number;
  clicks: number;
  opens: number;
}

/** The weighted tally of a history by local hour of day in `zone`. */
export function tallyByLocalHour(history: History, zone: string): HourTally[] {
  const tallies = Array.from({ length: 24 }, () => ({ weight: 0, replies: 0, clicks: 0, opens: 0 }));
  const add = (events: number[], kind: "replies" | "clicks" | "opens", weight: number) => {
    for (const at of events) {
      if (!Number.isFinite(at)) continue;
      const t = tallies[zoned(at, zone).hour];
      t[kind]++;
      t.weight += weight;
    }
  };
  add(history.replies, "replies", EVIDENCE_WEIGHTS.reply);
  add(history.clicks, "clicks", EVIDENCE_WEIGHTS.click);
  add(history.opens, "opens", EVIDENCE_WEIGHTS.open);
  return tallies;
}

/** The hours of day whose hour overlaps business hours' [start, end). */
function businessHoursOfDay(hours: BusinessHours): number[] {
  const start = parseWallTime(hours.start)!, end = parseWallTime(hours.end, true)!;
  const out: number[] = [];
  for (let h = 0; h < 24; h++) if (Math.max(h * 60, start) < Math.min(h * 60 + 60, end)) out.push(h);
  return out;
}

/** Business hours narrowed to the local hour `h`. */
function withinHour(hours: BusinessHours, h: number): BusinessHours {
  const start = parseWallTime(hours.start)!, end = parseWallTime(hours.end, true)!;
  return {
    days: hours.days,
    closedDates: hours.closedDates,
    start: wallTimeText(Math.max(start, h * 60)),
    end: wallTimeText(Math.min(end, h * 60 + 60)),
  };
}

/** "replies", "replies and clicks", "replies, clicks and opens". */
function kindsText(t: HourTally): string {
  const kinds = [t.replies && "replies", t.clicks && "clicks", t.opens && "opens"].filter(
    Boolean,
  ) as string[];
  return kinds.length <= 1
    ? kinds.join("")
    : `${kinds.slice(0, -1).join(", ")} and ${kinds[kinds.length - 1]}`;
}

function fromHistory(
  history: History,
  minimum: number,
  start: number,
  recipient: Audience,
  stepMinutes: number,
): { at: number; tally: HourTally } | null {
  const tallies = tallyByLocalHour(history, recipient.zone);
  const candidates = businessHoursOfDay(recipient.hours).filter((h) => tallies[h].weight > 0);
  const total = candidates.reduce((sum, h) => sum + tallies[h].weight, 0);
  if (total < minimum) return null;
  let best: { at: number; tally: HourTally } | null = null;
  for (const h of candidates) {
    const at = nextBusinessSlot(start, recipient.zone, withinHour(recipient.hours, h), {
      stepMinutes,
      horizonDays: HISTORY_HORIZON_DAYS,
    });
    if (at === null) continue;
    const tally = tallies[h];
    if (!best || tally.weight > best.tally.weight || (tally.weight === best.tally.weight && at < best.at)) {
      best = { at, tally };
    }
  }
  return best;
}

/**
 * The recommended time for one recipient: own history, then the team's in the recipient's zone, then the
 * next business-hour slot. Always inside the recipient's business hours and >= max(now, from). Throws a
 * RangeError only if the hours have no open day in the next year (validated hours with that many closed
 * dates), or for an unknown zone.
 */
export function recommendSendTime(args: {
  now: number;
  from?: number;
  recipient: Audience;
  own: History;
  team: History;
  /** How many people the team's history for the zone comes from, for the explanation. */
  teamSize?: number;
  stepMinutes?: number;
}): Recommendation {
  const { now, recipient } = args;
  const stepMinutes = args.stepMinutes ?? DEFAULT_STEP_MINUTES;
  const start = Math.max(now, args.from ?? now);
  if (!Number.isFinite(start)) throw new RangeError("now must be an instant in epoch milliseconds.");

  const own = fromHistory(args.own, MIN_RECIPIENT_EVIDENCE, start, recipient, stepMinutes);
  if (own) {
    const n = own.tally.replies + own.tally.clicks + own.tally.opens;
    return {
      at: own.at,
      basis: "recipient",
      evidence: n,
      explanation: `based on ${n} of ${possessive(recipient.name)} ${kindsText(own.tally)}`,
    };
  }

  const team = fromHistory(args.team, MIN_TEAM_EVIDENCE, start, recipient, stepMinutes);
  if (team) {
    const n = team.tally.replies + team.tally.clicks + team.tally.opens;
    const size = args.teamSize;
    return {
      at: team.at,
      basis: "team",
      evidence: n,
      explanation: size !== undefined && size > 0
        ? `based on the team's results with ${size} ${size === 1 ? "person" : "people"} in ${recipient.zone}`
        : `based on ${n} of the team's ${kindsText(team.tally)} with people in ${recipient.zone}`,
    };
  }

  const at = nextBusinessSlot(start, recipient.zone, recipient.hours, {
    stepMinutes,
    horizonDays: FALLBACK_HORIZON_DAYS,
  });
  if (at === null) {
    throw new RangeError(
      `${possessive(recipient.name)} business hours (${
        formatHours(recipient.hours)
      }) have no open day within ${FALLBACK_HORIZON_DAYS} days.`,
    );
  }
  const city = cityOf(recipient.zone);
  const already = at === roundUpToGrid(start, recipient.zone, stepMinutes);
  return {
    at,
    basis: "business_hours",
    evidence: 0,
    explanation: already ? `within business hours in ${city}` : `the next business hour in ${city}`,
  };
}

/** "Ana's", "James's". */
export function possessive(name: string): string {
  return `${name}'s`;
}
