/** Times the API takes (alarm deadlines, snoozes, calls): one reading of them, and one rule for the future. */
import { z } from "@hono/zod-openapi";
import { invalid } from "../http/errors.ts";

/** The furthest ahead a deadline can be: a year (well past the KV queue's 30-day limit). */
export const MAX_AHEAD_MS = 365 * 86_400_000;

/**
 * Epoch milliseconds (a number, or its digits as text, as in a query), or an ISO 8601 date-time with `Z` or an
 * offset. A date-time without one is refused:
 * `Date.parse` would read it in the server's zone (UTC on Deno Deploy), so the same text would name a
 * different moment on another machine, and hours off for the seller.
 */
export const instantField = (example: string) =>
  z.union([z.number(), z.string()], { error: `Give a time, like ${example}.` }).transform((value, ctx) => {
    if (typeof value === "number") {
      if (Number.isFinite(value)) return value;
    } else if (/^\d{1,15}$/.test(value.trim())) {
      return Number(value);
    } else {
      try {
        return Temporal.Instant.from(value.trim()).epochMilliseconds;
      } catch {
        if (Number.isFinite(Date.parse(value))) {
          ctx.addIssue({ code: "custom", message: `Give the time with its offset, like ${example}.` });
          return z.NEVER;
        }
      }
    }
    ctx.addIssue({ code: "custom", message: "Choose a date and time." });
    return z.NEVER;
  }).openapi({
    type: ["string", "number"],
    description: "An ISO 8601 date-time with `Z` or an offset (`+09:00`), or epoch milliseconds. " +
      "A time without an offset is refused rather than guessed.",
    example,
  });

/** A deadline: after `now` and within a year, else a 400 naming `field`. */
export function checkFuture(ms: number, now: number, field: string): number {
  if (ms <= now) throw invalid({ [field]: "Choose a time in the future." });
  if (ms > now + MAX_AHEAD_MS) throw invalid({ [field]: "Choose a time within a year." });
  return ms;
}
