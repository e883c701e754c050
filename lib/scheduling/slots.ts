/**
 * Finding send times inside business hours: for one recipient, for everyone, or the best compromise.
 * Pure. Instants are epoch milliseconds; zones are IANA names.
 *
 * The grid: results are instants whose LOCAL wall time (in the grid zone) is a whole multiple of
 * `stepMinutes` after local midnight, with zero seconds. Rounding happens in local time because a UTC grid
 * is wrong for Asia/Kathmandu (+05:45) or Pacific/Chatham (+12:45/+13:45) once the step is over 15 minutes.
 * Rounding up is exact across DST changes: if the next grid wall time would be crossed by a transition,
 * rounding continues from the transition (so 01:58 EST on a spring-forward day rounds to 03:00 EDT, and
 * 01:58 EDT on a fall-back day rounds to the repeated 01:00 EST).
 */
import {
  type BusinessHours,
  businessIntervals,
  DAY,
  intersectIntervals,
  MINUTE,
  type OffsetSegment,
  offsetSegments,
} from "./business_hours.ts";

export interface SlotOptions {
  /** Grid step in local minutes; a whole number that divides a day (1, 5, 10, 15, 30, 60, …). Default 5. */
  stepMinutes?: number;
  /** How far ahead to look, in days of 24 hours from `from` (the end is inclusive). */
  horizonDays?: number;
}

export interface AudienceSlotOptions extends SlotOptions {
  /**
   * The zone whose local minutes make the grid (default: the first recipient's). Pass the seller's zone to
   * get times that look round to the seller. With the default 5-minute step every current zone has the same
   * grid, since all their offsets are whole multiples of 15 minutes.
   */
  gridZone?: string;
}

export interface Audience {
  name: string;
  zone: string;
  hours: BusinessHours;
}

export const DEFAULT_STEP_MINUTES = 5;

function stepMs(stepMinutes = DEFAULT_STEP_MINUTES): number {
  if (!Number.isInteger(stepMinutes) || stepMinutes < 1 || 1440 % stepMinutes !== 0) {
    throw new RangeError(
      `stepMinutes must be a whole number of minutes that divides a day, not ${stepMinutes}.`,
    );
  }
  return stepMinutes * MINUTE;
}

function horizonMs(horizonDays: number): number {
  if (!Number.isFinite(horizonDays) || horizonDays < 0) {
    throw new RangeError(`horizonDays must be zero or more, not ${horizonDays}.`);
  }
  return horizonDays * DAY;
}

function checkInstant(name: string, at: number): void {
  if (!Number.isFinite(at)) throw new RangeError(`${name} must be an instant in epoch milliseconds.`);
}

/** The step grid of one zone over a range of instants. */
export class LocalGrid {
  #segments: OffsetSegment[];
  #step: number;

  constructor(zone: string, stepMinutes: number | undefined, from: number, to: number) {
    this.#step = stepMs(stepMinutes);
    this.#segments = offsetSegments(zone, from, to + DAY);
  }

  /** The earliest grid instant >= t (Infinity beyond the range the grid was built for). */
  up(t: number): number {
    for (const s of this.#segments) {
      if (s.end <= t) continue;
      const x = Math.max(t, s.start);
      const candidate = Math.ceil((x + s.offset) / this.#step) * this.#step - s.offset;
      if (candidate < s.end) return candidate;
    }
    return Infinity;
  }
}

/** The earliest instant on the grid that is >= from, <= until and inside one of the intervals. */
function firstOnGrid(intervals: Array<[number, number]>, grid: LocalGrid, from: number, until: number) {
  for (const [a, b] of intervals) {
    if (b <= from) continue;
    const candidate = grid.up(Math.max(a, from));
    if (candidate > until) return null;
    if (candidate < b) return candidate;
  }
  return null;
}

/** `at` rounded up to the local grid of `zone`. */
export function roundUpToGrid(at: number, zone: string, stepMinutes = DEFAULT_STEP_MINUTES): number {
  checkInstant("at", at);
  return new LocalGrid(zone, stepMinutes, at, at + DAY).up(at);
}

/**
 * The earliest instant >= `from` inside business hours, on the local grid of `zone` (`stepMinutes`,
 * default 5), or null if there is none within `horizonDays` (default 14). From inside hours this is `from`
 * rounded up to the grid (if that is still inside).
 */
export function nextBusinessSlot(
  from: number,
  zone: string,
  hours: BusinessHours,
  options: SlotOptions = {},
): number | null {
  checkInstant("from", from);
  const until = from + horizonMs(options.horizonDays ?? 14);
  // Two weeks at a time, so a long horizon (the recommendation's fallback looks a year ahead) costs only
  // as much as the search needs.
  for (let start = from; start <= until; start += SEARCH_CHUNK) {
    const end = Math.min(start + SEARCH_CHUNK, until);
    const grid = new LocalGrid(zone, options.stepMinutes, start, end);
    const found = firstOnGrid(businessIntervals(zone, hours, start, end), grid, start, end);
    if (found !== null) return found;
    if (end === until) break;
  }
  return null;
}

const SEARCH_CHUNK = 14 * DAY;

/**
 * The earliest instant >= `from` inside every recipient's business hours, within `horizonDays`
 * (default 7), or null. With nobody in the audience, `from` rounded up to the grid.
 */
export function commonSlot(
  from: number,
  audience: Audience[],
  options: AudienceSlotOptions = {},
): number | null {
  checkInstant("from", from);
  const until = from + horizonMs(options.horizonDays ?? 7);
  const gridZone = options.gridZone ?? audience[0]?.zone ?? "UTC";
  const grid = new LocalGrid(gridZone, options.stepMinutes, from, until);
  let common: Array<[number, number]> = [[-Infinity, Infinity]];
  for (const person of audience) {
    common = intersectIntervals(common, businessIntervals(person.zone, person.hours, from, until));
    if (common.length === 0) return null;
  }
  return firstOnGrid(common, grid, from, until);
}

export interface Compromise {
  at: number;
  /** Names of the recipients inside their business hours at `at`, in audience order. */
  inside: string[];
  /** Names of the others. */
  outside: string[];
}

/**
 * -1 when t is inside one of the intervals; otherwise how many minutes away the nearest in-hours instant is
 * (before or after; 0 exactly at a closing time, which is outside).
 */
function distanceMinutes(intervals: Array<[number, number]>, t: number): number {
  // The last interval starting at or before t.
  let lo = 0, hi = intervals.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (intervals[mid][0] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found >= 0 && t < intervals[found][1]) return -1;
  const since = found >= 0 ? t - intervals[found][1] : Infinity;
  const until = found + 1 < intervals.length ? intervals[found + 1][0] - t : Infinity;
  return Math.min(since, until) / MINUTE;
}

/**
 * The grid instant (>= `from`, within `horizonDays`, default 7) that puts the most recipients inside their
 * hours; ties go to the smallest total distance in minutes outside hours (each recipient's distance to
 * their nearest in-hours instant, before or after), then to the earliest. When a common slot exists this
 * is the common slot. Show each recipient's local time beside it with `describeChoice(at, audience)`.
 */
export function bestCompromise(
  from: number,
  audience: Audience[],
  options: AudienceSlotOptions = {},
): Compromise {
  checkInstant("from", from);
  const until = from + horizonMs(options.horizonDays ?? 7);
  const gridZone = options.gridZone ?? audience[0]?.zone ?? "UTC";
  const grid = new LocalGrid(gridZone, options.stepMinutes, from, until);
  // A week either side, so a distance can be measured to hours before `from` or after the horizon.
  const lists = audience.map((p) => businessIntervals(p.zone, p.hours, from - 7 * DAY, until + 7 * DAY));

  let best: { at: number; inside: number; distance: number } | null = null;
  for (let t = grid.up(from); t <= until; t = grid.up(t + 1)) {
    let inside = 0, distance = 0;
    for (const list of lists) {
      const d = distanceMinutes(list, t);
      if (d < 0) inside++;
      else distance += d;
    }
    if (!best || inside > best.inside || (inside === best.inside && distance < best.distance)) {
      best = { at: t, inside, distance };
      if (inside === audience.length) break; // nothing later can beat everyone inside, earliest
    }
  }
  const at = best?.at ?? grid.up(from);
  const result: Compromise = { at, inside: [], outside: [] };
  audience.forEach((p, i) =>
    (distanceMinutes(lists[i], at) < 0 ? result.inside : result.outside).push(p.name)
  );
  return result;
}
