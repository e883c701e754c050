/**
 * The same logic on the polyfill islands load: results must match the native Temporal exactly. The
 * polyfill's main export is the native Temporal when there is one, so this takes its implementation.
 */
import assert from "node:assert/strict";
import { Temporal as Polyfill } from "temporal-polyfill/implementation";
import { DEFAULT_BUSINESS_HOURS, isWithinBusinessHours } from "./business_hours.ts";
import { bestCompromise, commonSlot, nextBusinessSlot } from "./slots.ts";
import { recommendSendTime } from "./recommend.ts";
import { describeChoice } from "./advice.ts";
import { temporal } from "./temporal.ts";

const D = DEFAULT_BUSINESS_HOURS;
const at = (iso: string) => Date.parse(iso);

/** Runs `fn` with globalThis.Temporal replaced (synchronously, then restored). */
function withTemporal<T>(replacement: unknown, fn: () => T): T {
  const g = globalThis as { Temporal?: unknown };
  const native = g.Temporal;
  g.Temporal = replacement;
  try {
    return fn();
  } finally {
    g.Temporal = native;
  }
}

function scenario() {
  const sunday = { ...D, days: [7], start: "02:30", end: "05:00" };
  const nine = { ...D, start: "09:00" };
  return {
    ny: nextBusinessSlot(at("2026-03-08T05:00:00Z"), "America/New_York", sunday),
    nyFall: nextBusinessSlot(at("2026-11-01T05:58:00Z"), "America/New_York", { ...sunday, start: "01:00" }),
    kathmandu: nextBusinessSlot(at("2026-03-02T02:20:00Z"), "Asia/Kathmandu", D, { stepMinutes: 60 }),
    chatham: nextBusinessSlot(at("2026-04-03T06:00:00Z"), "Pacific/Chatham", D),
    kiritimati: isWithinBusinessHours(at("2026-03-01T19:00:00Z"), "Pacific/Kiritimati", D),
    lordHowe: nextBusinessSlot(at("2026-10-03T15:00:00Z"), "Australia/Lord_Howe", {
      ...sunday,
      start: "02:00",
    }),
    common: commonSlot(at("2026-06-01T00:00:00Z"), [
      { name: "Ana", zone: "Europe/Lisbon", hours: D },
      { name: "Ken", zone: "Asia/Tokyo", hours: D },
    ]),
    compromise: bestCompromise(at("2026-03-02T00:00:00Z"), [
      { name: "Leilani", zone: "Pacific/Honolulu", hours: nine },
      { name: "Priya", zone: "Asia/Kolkata", hours: nine },
    ]),
    recommendation: recommendSendTime({
      now: at("2026-03-09T12:00:00Z"),
      recipient: { name: "Sam", zone: "America/New_York", hours: D },
      own: { replies: [at("2026-02-10T15:05:00Z"), at("2026-02-17T15:30:00Z")], clicks: [], opens: [] },
      team: { replies: [], clicks: [], opens: [] },
    }),
    choice: describeChoice(at("2026-03-03T10:30:00Z"), [{ name: "Ken", zone: "Asia/Tokyo", hours: D }]),
  };
}

Deno.test("temporal - the polyfill gives the same answers as Deno's Temporal", () => {
  assert.notEqual(Polyfill, temporal());
  const native = scenario();
  const polyfilled = withTemporal(Polyfill, scenario);
  assert.deepEqual(polyfilled, native);
  assert.equal(native.chatham, at("2026-04-05T19:15:00Z")); // Mon 6 Apr 08:00 at +12:45
});

Deno.test("temporal - without Temporal the error says how to load the polyfill", () => {
  assert.throws(() => withTemporal(undefined, () => temporal()), {
    message:
      'Temporal is not available. In browser code, import "temporal-polyfill/global" before lib/scheduling/.',
  });
  assert.throws(
    () => withTemporal(undefined, () => nextBusinessSlot(0, "UTC", D)),
    /temporal-polyfill\/global/,
  );
});
