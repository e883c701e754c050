/**
 * Business hours: which instants fall inside a recipient's working day. Pure; runs on the server and in
 * islands (see ./temporal.ts for the polyfill).
 *
 * Everything is decided in the LOCAL wall time of the recipient's zone:
 *
 * - A business day is a local date whose ISO weekday is in `days` and which is not in `closedDates`. Its
 *   window is the set of instants whose local date is that day and whose local wall time is in
 *   `[start, end)`. `end` may be "24:00" (until midnight).
 * - DST gap (spring forward): wall times that do not exist are simply never inside. A `start` in the gap
 *   therefore opens at the first valid instant after it (on New York's 2026-03-08, 02:30 opens at 03:00
 *   EDT, the transition), which agrees with `isWithinBusinessHours`. (Temporal's "compatible"
 *   disambiguation would say 03:30; we deliberately use the first instant whose wall time is >= start.)
 *   An `end` in the gap closes at the transition the same way.
 * - DST overlap (fall back): a wall time that occurs twice is inside both times when it is in
 *   `[start, end)`, so 01:00–05:00 on New York's 2026-11-01 lasts five real hours.
 *
 * Windows are computed exactly, per stretch of constant UTC offset between the zone's transitions (which
 * Temporal reports), so no instant is sampled or guessed.
 */
import { temporal, zoned } from "./temporal.ts";

export interface BusinessHours {
  /** ISO weekdays open, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** "08:00" local wall time. */
  start: string;
  /** "17:00" local wall time, after start; "24:00" means until midnight. */
  end: string;
  /** "2026-12-25": local dates that are closed (holidays). */
  closedDates: string[];
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = Object.freeze({
  days: Object.freeze([1, 2, 3, 4, 5]) as number[],
  start: "08:00",
  end: "17:00",
  closedDates: Object.freeze([]) as unknown as string[],
});

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Most closed dates a team may keep (a few years of holidays). */
export const MAX_CLOSED_DATES = 500;

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

// ---------------------------------------------------------------------------------------------------------
// Validation

export type ValidationResult =
  | { ok: true; value: BusinessHours }
  | { ok: false; errors: Record<string, string> };

/** Minutes since midnight of "HH:MM" (or "H:MM"); "24:00" only when `allowMidnightEnd`. */
export function parseWallTime(text: string, allowMidnightEnd = false): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hour = Number(match[1]), minute = Number(match[2]);
  if (minute > 59) return null;
  if (hour < 24) return hour * 60 + minute;
  if (allowMidnightEnd && hour === 24 && minute === 0) return 1440;
  return null;
}

/** "08:00" from 480. */
export function wallTimeText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  try {
    temporal().PlainDate.from(text, { overflow: "reject" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks business hours from a form or the API. Errors are keyed by field ("start", "end", "days",
 * "closedDates.2", or "_" for the whole value) with messages for people. The value is normalized: days
 * sorted without repeats, times as "HH:MM", closed dates sorted without repeats. An output is a valid input.
 * `closedDates` may be left out (none); days may be numbers or digit strings (form posts).
 */
export function validateBusinessHours(input: unknown): ValidationResult {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, errors: { _: "Set the days and hours of the working day." } };
  }
  const raw = input as Record<string, unknown>;
  const errors: Record<string, string> = {};

  let days: number[] = [];
  if (!Array.isArray(raw.days) || raw.days.length === 0) {
    errors.days = "Choose at least one day.";
  } else {
    const parsed = raw.days.map((d) => typeof d === "string" && /^\d$/.test(d.trim()) ? Number(d) : d);
    if (parsed.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > 7)) {
      errors.days = "Days are numbers from 1 (Monday) to 7 (Sunday).";
    } else {
      days = [...new Set(parsed as number[])].sort((a, b) => a - b);
    }
  }

  const start = typeof raw.start === "string" ? parseWallTime(raw.start) : null;
  if (start === null) errors.start = "Use a time like 08:00.";
  // A day can't end at its first minute: an end of 00:00 is midnight, as the forms' time fields show 24:00.
  const end = typeof raw.end === "string"
    ? parseWallTime(raw.end.trim() === "00:00" ? "24:00" : raw.end, true)
    : null;
  if (end === null) errors.end = "Use a time like 17:00.";
  else if (start !== null && end <= start) errors.end = "The day must end after it starts.";

  let closedDates: string[] = [];
  if (raw.closedDates !== undefined && raw.closedDates !== null) {
    if (!Array.isArray(raw.closedDates)) {
      errors.closedDates = "Closed dates must be a list of dates like 2026-12-25.";
    } else if (raw.closedDates.length > MAX_CLOSED_DATES) {
      errors.closedDates = `At most ${MAX_CLOSED_DATES} closed dates.`;
    } else {
      raw.closedDates.forEach((d, i) => {
        if (typeof d !== "string" || !isIsoDate(d.trim())) {
          errors[`closedDates.${i}`] = "Use a date like 2026-12-25.";
        }
      });
      closedDates = [...new Set(raw.closedDates.map((d) => String(d).trim()))].sort();
    }
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { days, start: wallTimeText(start!), end: wallTimeText(end!), closedDates } };
}

// ---------------------------------------------------------------------------------------------------------
// Compiled form, used by the computations

interface Compiled {
  days: ReadonlySet<number>;
  /** Minutes since local midnight. */
  start: number;
  end: number;
  closed: ReadonlySet<string>;
}

/** Hours ready for computing; throws a RangeError for hours `validateBusinessHours` would refuse. */
function compile(hours: BusinessHours): Compiled {
  const start = parseWallTime(hours.start);
  const end = parseWallTime(hours.end, true);
  if (start === null || end === null || end <= start) {
    throw new RangeError(`Invalid business hours ${hours.start}–${hours.end}.`);
  }
  return { days: new Set(hours.days), start, end, closed: new Set(hours.closedDates) };
}

/** True when the local date `date` ("2026-03-02", ISO weekday `weekday`) is a business day. */
function isOpenDay(c: Compiled, date: string, weekday: number): boolean {
  return c.days.has(weekday) && !c.closed.has(date);
}

/** Is the instant `at` inside the business hours, judged by local wall time in `zone`? */
export function isWithinBusinessHours(at: number, zone: string, hours: BusinessHours): boolean {
  const c = compile(hours);
  const z = zoned(at, zone);
  if (!isOpenDay(c, z.toPlainDate().toString(), z.dayOfWeek)) return false;
  const wallMs = ((z.hour * 60 + z.minute) * 60 + z.second) * 1000 + z.millisecond;
  return wallMs >= c.start * MINUTE && wallMs < c.end * MINUTE;
}

/** Why an instant is outside: the local date is closed, the weekday is not open, or the time is not. */
export function outsideReason(
  at: number,
  zone: string,
  hours: BusinessHours,
): "closed_date" | "day" | "time" | null {
  if (isWithinBusinessHours(at, zone, hours)) return null;
  const c = compile(hours);
  const z = zoned(at, zone);
  if (c.closed.has(z.toPlainDate().toString())) return "closed_date";
  if (!c.days.has(z.dayOfWeek)) return "day";
  return "time";
}

// ---------------------------------------------------------------------------------------------------------
// Offsets and windows

/** A stretch of instants `[start, end)` over which the zone's UTC offset is constant. */
export interface OffsetSegment {
  start: number;
  end: number;
  /** Milliseconds to add to an instant to get its local wall-clock reading ("local ms"). */
  offset: number;
}

/**
 * The zone's offset stretches covering `[from, to)`. The first starts at `from`; the last runs to the
 * zone's next transition after `to` (or Infinity), so it is exact past `to` as well.
 */
export function offsetSegments(zone: string, from: number, to: number): OffsetSegment[] {
  const out: OffsetSegment[] = [];
  let z = zoned(from, zone);
  let start = from;
  for (;;) {
    const next = z.getTimeZoneTransition("next");
    const end = next ? next.epochMilliseconds : Infinity;
    out.push({ start, end, offset: z.offsetNanoseconds / 1e6 });
    if (end >= to || !next) return out;
    z = next;
    start = end;
  }
}

/** Local ms of midnight starting the local date (local ms = epoch ms + offset). */
function localMidnight(date: Temporal.PlainDate): number {
  return date.toZonedDateTime("UTC").epochMilliseconds;
}

/** Sorted, merged intervals. */
function merge(intervals: Array<[number, number]>): Array<[number, number]> {
  intervals.sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of intervals) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * The instants inside business hours, as sorted disjoint intervals `[a, b)`, covering at least every
 * business window that overlaps `[from, to]`. Exact across DST changes: each day's wall window is mapped
 * to instants separately for every offset stretch, so gaps shorten a window and overlaps lengthen it.
 */
export function businessIntervals(
  zone: string,
  hours: BusinessHours,
  from: number,
  to: number,
): Array<[number, number]> {
  const c = compile(hours);
  // Offsets are within ±14 h (±26 h apart at most), so two days either side covers every local date.
  const segments = offsetSegments(zone, from - 2 * DAY, to + 2 * DAY);
  const out: Array<[number, number]> = [];
  const last = zoned(to, zone).toPlainDate().add({ days: 1 });
  for (
    let date = zoned(from, zone).toPlainDate().subtract({ days: 1 });
    temporal().PlainDate.compare(date, last) <= 0;
    date = date.add({ days: 1 })
  ) {
    if (!isOpenDay(c, date.toString(), date.dayOfWeek)) continue;
    const midnight = localMidnight(date);
    const wallStart = midnight + c.start * MINUTE, wallEnd = midnight + c.end * MINUTE;
    for (const s of segments) {
      const a = Math.max(wallStart - s.offset, s.start), b = Math.min(wallEnd - s.offset, s.end);
      if (a < b) out.push([a, b]);
    }
  }
  return merge(out);
}

/** The instants in both lists of sorted disjoint intervals. */
export function intersectIntervals(
  x: Array<[number, number]>,
  y: Array<[number, number]>,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0, j = 0;
  while (i < x.length && j < y.length) {
    const a = Math.max(x[i][0], y[j][0]), b = Math.min(x[i][1], y[j][1]);
    if (a < b) out.push([a, b]);
    if (x[i][1] < y[j][1]) i++;
    else j++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Text

/** "Mon–Fri 08:00–17:00", "Mon, Wed, Fri 09:30–16:00", "Every day 09:00–18:00". */
export function formatHours(hours: BusinessHours): string {
  return `${formatDays(hours.days)} ${hours.start}–${hours.end}`;
}

/** "Mon–Fri", "Mon, Wed, Fri", "Mon–Wed, Sat, Sun", "Every day". Runs of three or more days become ranges. */
export function formatDays(days: number[]): string {
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (sorted.length === 7) return "Every day";
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j - i >= 2) parts.push(`${DAY_NAMES[sorted[i] - 1]}–${DAY_NAMES[sorted[j] - 1]}`);
    else for (let k = i; k <= j; k++) parts.push(DAY_NAMES[sorted[k] - 1]);
    i = j + 1;
  }
  return parts.join(", ");
}

/** "Tue 09:00": the local weekday and wall time of `at` in `zone`. */
export function formatLocal(at: number, zone: string): string {
  const z = zoned(at, zone);
  return `${DAY_NAMES[z.dayOfWeek - 1]} ${wallTimeText(z.hour * 60 + z.minute)}`;
}

/**
 * A closed date as people read it: "Fri 25 Dec 2026", or "Fri 25 Dec" when it falls in `thisYear`. A text that
 * isn't a date is given back as it is.
 */
export function closedDateText(date: string, thisYear?: number): string {
  try {
    const day = temporal().PlainDate.from(date);
    const text = (options: Intl.DateTimeFormatOptions) => day.toLocaleString("en-GB", options);
    const year = day.year === thisYear ? undefined : "numeric";
    return `${text({ weekday: "short" })} ${text({ day: "numeric", month: "short", year })}`;
  } catch {
    return date;
  }
}
