import assert from "node:assert/strict";
import {
  type BusinessHours,
  businessIntervals,
  DEFAULT_BUSINESS_HOURS,
  formatDays,
  formatHours,
  formatLocal,
  isWithinBusinessHours,
  MINUTE,
  outsideReason,
  validateBusinessHours,
} from "./business_hours.ts";

const at = (iso: string) => Date.parse(iso);
const utc = (ms: number) => new Date(ms).toISOString();
const D = DEFAULT_BUSINESS_HOURS;
const hours = (over: Partial<BusinessHours>): BusinessHours => ({ ...D, ...over });

Deno.test("business hours - the default is Mon–Fri 08:00–17:00 with nothing closed", () => {
  assert.deepEqual({ ...D }, { days: [1, 2, 3, 4, 5], start: "08:00", end: "17:00", closedDates: [] });
  assert.ok(Object.isFrozen(D) && Object.isFrozen(D.days));
});

Deno.test("business hours - the window is [start, end) in local wall time", () => {
  // Tue 3 Mar 2026; Lisbon is on UTC (WET) in March.
  assert.equal(isWithinBusinessHours(at("2026-03-03T07:59:59Z"), "Europe/Lisbon", D), false);
  assert.equal(isWithinBusinessHours(at("2026-03-03T08:00:00Z"), "Europe/Lisbon", D), true);
  assert.equal(isWithinBusinessHours(at("2026-03-03T16:59:59.999Z"), "Europe/Lisbon", D), true);
  assert.equal(isWithinBusinessHours(at("2026-03-03T17:00:00Z"), "Europe/Lisbon", D), false);
  // Summer: Lisbon is UTC+1, so 07:30Z is 08:30 there.
  assert.equal(isWithinBusinessHours(at("2026-06-02T07:30:00Z"), "Europe/Lisbon", D), true);
  assert.equal(isWithinBusinessHours(at("2026-06-02T16:30:00Z"), "Europe/Lisbon", D), false);
});

Deno.test("business hours - a Monday 09:00 in Kiritimati is Sunday in UTC", () => {
  // Kiritimati is UTC+14: Mon 2 Mar 09:00 there is Sun 1 Mar 19:00 UTC.
  assert.equal(formatLocal(at("2026-03-01T19:00:00Z"), "Pacific/Kiritimati"), "Mon 09:00");
  assert.equal(isWithinBusinessHours(at("2026-03-01T19:00:00Z"), "Pacific/Kiritimati", D), true);
  // Sun 1 Mar 09:00 there is Sat 28 Feb 19:00 UTC: closed, though UTC says nothing about Sunday.
  assert.equal(isWithinBusinessHours(at("2026-02-28T19:00:00Z"), "Pacific/Kiritimati", D), false);
  // Fri 6 Mar 20:00 UTC is a working Friday evening in UTC, but Saturday 10:00 in Kiritimati.
  assert.equal(formatLocal(at("2026-03-06T20:00:00Z"), "Pacific/Kiritimati"), "Sat 10:00");
  assert.equal(isWithinBusinessHours(at("2026-03-06T20:00:00Z"), "Pacific/Kiritimati", D), false);
});

Deno.test("business hours - a Friday 16:00 in Pago Pago is Saturday in UTC", () => {
  // Pago Pago is UTC−11.
  assert.equal(formatLocal(at("2026-03-07T03:00:00Z"), "Pacific/Pago_Pago"), "Fri 16:00");
  assert.equal(isWithinBusinessHours(at("2026-03-07T03:00:00Z"), "Pacific/Pago_Pago", D), true);
  // Mon 2 Mar 05:00 UTC is Sunday 18:00 in Pago Pago.
  assert.equal(isWithinBusinessHours(at("2026-03-02T05:00:00Z"), "Pacific/Pago_Pago", D), false);
  assert.equal(outsideReason(at("2026-03-02T05:00:00Z"), "Pacific/Pago_Pago", D), "day");
});

Deno.test("business hours - half- and quarter-hour zones open at their own 08:00", () => {
  assert.equal(isWithinBusinessHours(at("2026-03-02T02:29:00Z"), "Asia/Kolkata", D), false);
  assert.equal(isWithinBusinessHours(at("2026-03-02T02:30:00Z"), "Asia/Kolkata", D), true);
  assert.equal(isWithinBusinessHours(at("2026-03-02T02:14:00Z"), "Asia/Kathmandu", D), false);
  assert.equal(isWithinBusinessHours(at("2026-03-02T02:15:00Z"), "Asia/Kathmandu", D), true);
  // Chatham in March is on daylight time, +13:45: Mon 08:00 is Sun 18:15 UTC.
  assert.equal(isWithinBusinessHours(at("2026-03-01T18:14:00Z"), "Pacific/Chatham", D), false);
  assert.equal(isWithinBusinessHours(at("2026-03-01T18:15:00Z"), "Pacific/Chatham", D), true);
  // After 5 Apr it is +12:45: Mon 6 Apr 08:00 is Sun 5 Apr 19:15 UTC.
  assert.equal(isWithinBusinessHours(at("2026-04-05T19:14:00Z"), "Pacific/Chatham", D), false);
  assert.equal(isWithinBusinessHours(at("2026-04-05T19:15:00Z"), "Pacific/Chatham", D), true);
});

Deno.test("business hours - closed dates are local dates", () => {
  const xmas = hours({ closedDates: ["2026-12-25"] });
  // Fri 25 Dec 10:00 in Lisbon.
  assert.equal(isWithinBusinessHours(at("2026-12-25T10:00:00Z"), "Europe/Lisbon", xmas), false);
  assert.equal(outsideReason(at("2026-12-25T10:00:00Z"), "Europe/Lisbon", xmas), "closed_date");
  // Thu 24 Dec 20:00 UTC is already Fri 25 Dec 10:00 in Kiritimati: closed there.
  assert.equal(isWithinBusinessHours(at("2026-12-24T20:00:00Z"), "Pacific/Kiritimati", xmas), false);
  // Fri 25 Dec 20:00 UTC is Fri 25 Dec 09:00 in Pago Pago: closed; Sat 26 Dec 03:00 UTC is Fri 16:00 there.
  assert.equal(isWithinBusinessHours(at("2026-12-25T20:00:00Z"), "Pacific/Pago_Pago", xmas), false);
  assert.equal(isWithinBusinessHours(at("2026-12-26T03:00:00Z"), "Pacific/Pago_Pago", xmas), false);
  // Sun 27 Dec 20:00 UTC is Mon 28 Dec 10:00 in Kiritimati: open.
  assert.equal(isWithinBusinessHours(at("2026-12-27T20:00:00Z"), "Pacific/Kiritimati", xmas), true);
});

Deno.test("business hours - spring forward: 01:00–05:00 in New York lasts three hours", () => {
  const sunday = hours({ days: [7], start: "01:00", end: "05:00" });
  const windows = businessIntervals(
    "America/New_York",
    sunday,
    at("2026-03-08T00:00:00Z"),
    at("2026-03-08T12:00:00Z"),
  );
  // 01:00 EST (06:00Z) to 05:00 EDT (09:00Z).
  assert.deepEqual(windows.map(([a, b]) => [utc(a), utc(b)]), [[
    "2026-03-08T06:00:00.000Z",
    "2026-03-08T09:00:00.000Z",
  ]]);
  assert.equal(isWithinBusinessHours(at("2026-03-08T06:59:00Z"), "America/New_York", sunday), true); // 01:59 EST
  assert.equal(isWithinBusinessHours(at("2026-03-08T07:00:00Z"), "America/New_York", sunday), true); // 03:00 EDT
  assert.equal(isWithinBusinessHours(at("2026-03-08T09:00:00Z"), "America/New_York", sunday), false); // 05:00 EDT
});

Deno.test("business hours - fall back: 01:00–05:00 in New York lasts five hours, the repeated hour twice", () => {
  const sunday = hours({ days: [7], start: "01:00", end: "05:00" });
  const windows = businessIntervals(
    "America/New_York",
    sunday,
    at("2026-11-01T00:00:00Z"),
    at("2026-11-01T12:00:00Z"),
  );
  // 01:00 EDT (05:00Z) to 05:00 EST (10:00Z).
  assert.deepEqual(windows.map(([a, b]) => [utc(a), utc(b)]), [[
    "2026-11-01T05:00:00.000Z",
    "2026-11-01T10:00:00.000Z",
  ]]);
  assert.equal(isWithinBusinessHours(at("2026-11-01T05:30:00Z"), "America/New_York", sunday), true); // 01:30 EDT
  assert.equal(isWithinBusinessHours(at("2026-11-01T06:30:00Z"), "America/New_York", sunday), true); // 01:30 EST
});

Deno.test("business hours - a start in the spring-forward gap opens at the first valid instant", () => {
  // 02:30 does not exist in New York on 8 Mar 2026; the day opens at the transition, 03:00 EDT (07:00Z).
  const sunday = hours({ days: [7], start: "02:30", end: "05:00" });
  const windows = businessIntervals(
    "America/New_York",
    sunday,
    at("2026-03-08T00:00:00Z"),
    at("2026-03-08T12:00:00Z"),
  );
  assert.deepEqual(windows.map(([a, b]) => [utc(a), utc(b)]), [[
    "2026-03-08T07:00:00.000Z",
    "2026-03-08T09:00:00.000Z",
  ]]);
  assert.equal(isWithinBusinessHours(at("2026-03-08T06:59:00Z"), "America/New_York", sunday), false); // 01:59 EST
  assert.equal(isWithinBusinessHours(at("2026-03-08T07:00:00Z"), "America/New_York", sunday), true); // 03:00 EDT
  // An end in the gap closes at the transition too.
  const early = hours({ days: [7], start: "01:00", end: "02:30" });
  const short = businessIntervals(
    "America/New_York",
    early,
    at("2026-03-08T00:00:00Z"),
    at("2026-03-08T12:00:00Z"),
  );
  assert.deepEqual(short.map(([a, b]) => [utc(a), utc(b)]), [[
    "2026-03-08T06:00:00.000Z",
    "2026-03-08T07:00:00.000Z",
  ]]);
});

Deno.test("business hours - a start inside the repeated hour is inside only where the wall clock says so", () => {
  // 01:30–05:00 on New York's fall-back day: 01:30–01:59 EDT, then 01:00–01:29 EST is before 01:30 again.
  const sunday = hours({ days: [7], start: "01:30", end: "05:00" });
  const windows = businessIntervals(
    "America/New_York",
    sunday,
    at("2026-11-01T00:00:00Z"),
    at("2026-11-01T12:00:00Z"),
  );
  assert.deepEqual(windows.map(([a, b]) => [utc(a), utc(b)]), [
    ["2026-11-01T05:30:00.000Z", "2026-11-01T06:00:00.000Z"],
    ["2026-11-01T06:30:00.000Z", "2026-11-01T10:00:00.000Z"],
  ]);
  assert.equal(isWithinBusinessHours(at("2026-11-01T06:10:00Z"), "America/New_York", sunday), false); // 01:10 EST
});

Deno.test("business hours - Chatham's 45-minute-offset DST changes", () => {
  // 5 Apr 2026, a Sunday: 03:45 CHADT falls back to 02:45 CHAST; 02:45–03:44 happens twice.
  const sunday = hours({ days: [7], start: "01:00", end: "05:00" });
  const fall = businessIntervals(
    "Pacific/Chatham",
    sunday,
    at("2026-04-04T00:00:00Z"),
    at("2026-04-05T00:00:00Z"),
  );
  assert.deepEqual(fall.map(([a, b]) => [utc(a), utc(b), (b - a) / 3_600_000]), [
    ["2026-04-04T11:15:00.000Z", "2026-04-04T16:15:00.000Z", 5],
  ]);
  // 27 Sep 2026, a Sunday: 02:45 CHAST springs forward to 03:45 CHADT.
  const spring = businessIntervals(
    "Pacific/Chatham",
    sunday,
    at("2026-09-26T00:00:00Z"),
    at("2026-09-27T00:00:00Z"),
  );
  assert.deepEqual(spring.map(([a, b]) => [utc(a), utc(b), (b - a) / 3_600_000]), [
    ["2026-09-26T12:15:00.000Z", "2026-09-26T15:15:00.000Z", 3],
  ]);
});

Deno.test("business hours - Lord Howe's half-hour DST change", () => {
  // 4 Oct 2026, a Sunday: 02:00 LHST (+10:30) jumps to 02:30 LHDT (+11). 02:00–03:00 lasts 30 minutes.
  const sunday = hours({ days: [7], start: "02:00", end: "03:00" });
  const windows = businessIntervals(
    "Australia/Lord_Howe",
    sunday,
    at("2026-10-03T00:00:00Z"),
    at("2026-10-04T00:00:00Z"),
  );
  assert.deepEqual(windows.map(([a, b]) => [utc(a), utc(b)]), [[
    "2026-10-03T15:30:00.000Z",
    "2026-10-03T16:00:00.000Z",
  ]]);
});

Deno.test("business hours - windows agree with isWithinBusinessHours minute by minute around DST changes", () => {
  const cases: Array<[string, string, BusinessHours]> = [
    [
      "America/New_York",
      "2026-03-07T00:00:00Z",
      hours({ days: [1, 2, 3, 4, 5, 6, 7], start: "00:30", end: "03:30" }),
    ],
    ["America/New_York", "2026-10-31T00:00:00Z", hours({ days: [7], start: "01:15", end: "01:45" })],
    ["Europe/London", "2026-03-28T00:00:00Z", hours({ days: [7], start: "00:30", end: "01:30" })],
    ["Europe/London", "2026-10-24T00:00:00Z", hours({ days: [6, 7], start: "00:00", end: "24:00" })],
    ["Pacific/Chatham", "2026-04-04T00:00:00Z", hours({ days: [7], start: "02:50", end: "03:40" })],
    ["Pacific/Chatham", "2026-09-26T00:00:00Z", hours({ days: [7], start: "03:00", end: "04:00" })],
    ["Australia/Lord_Howe", "2026-04-04T00:00:00Z", hours({ days: [7], start: "01:40", end: "02:10" })],
    ["Pacific/Kiritimati", "2026-03-01T00:00:00Z", D],
    ["Asia/Kathmandu", "2026-03-01T00:00:00Z", hours({ start: "08:10", end: "08:50" })],
  ];
  for (const [zone, fromIso, h] of cases) {
    const from = at(fromIso), to = from + 3 * 86_400_000;
    const windows = businessIntervals(zone, h, from, to);
    const inWindows = (t: number) => windows.some(([a, b]) => a <= t && t < b);
    for (let t = from; t < to; t += MINUTE) {
      assert.equal(inWindows(t), isWithinBusinessHours(t, zone, h), `${zone} ${utc(t)} ${formatHours(h)}`);
    }
  }
});

Deno.test("business hours - formatHours", () => {
  assert.equal(formatHours(D), "Mon–Fri 08:00–17:00");
  assert.equal(
    formatHours(hours({ days: [1, 3, 5], start: "09:30", end: "16:00" })),
    "Mon, Wed, Fri 09:30–16:00",
  );
  assert.equal(formatDays([7, 6, 1, 2, 3]), "Mon–Wed, Sat, Sun");
  assert.equal(formatDays([1, 2]), "Mon, Tue");
  assert.equal(formatDays([1, 2, 3, 4, 5, 6, 7]), "Every day");
});

Deno.test("business hours - validateBusinessHours accepts and normalizes", () => {
  assert.deepEqual(
    validateBusinessHours({
      days: [5, "1", 3, 3],
      start: "8:00",
      end: "24:00",
      closedDates: ["2026-12-25", "2026-01-01"],
    }),
    {
      ok: true,
      value: { days: [1, 3, 5], start: "08:00", end: "24:00", closedDates: ["2026-01-01", "2026-12-25"] },
    },
  );
  // closedDates may be left out; an output is a valid input that gives itself back.
  const first = validateBusinessHours({ days: [1, 2, 3, 4, 5], start: "08:00", end: "17:00" });
  assert.deepEqual(first, { ok: true, value: { ...D } });
  assert.ok(first.ok);
  assert.deepEqual(validateBusinessHours(first.value), first);
  // An end of 00:00 is midnight, as the forms' time fields show it.
  const late = validateBusinessHours({ days: [6], start: "18:00", end: "00:00" });
  assert.deepEqual(late, { ok: true, value: { days: [6], start: "18:00", end: "24:00", closedDates: [] } });
});

Deno.test("business hours - validateBusinessHours names each bad field", () => {
  assert.deepEqual(
    validateBusinessHours({
      days: [],
      start: "8am",
      end: "17:00",
      closedDates: ["2026-12-25", "2026-02-30", "25/12/2026"],
    }),
    {
      ok: false,
      errors: {
        days: "Choose at least one day.",
        start: "Use a time like 08:00.",
        "closedDates.1": "Use a date like 2026-12-25.",
        "closedDates.2": "Use a date like 2026-12-25.",
      },
    },
  );
  assert.deepEqual(validateBusinessHours({ days: [1], start: "17:00", end: "08:00" }), {
    ok: false,
    errors: { end: "The day must end after it starts." },
  });
  assert.deepEqual(validateBusinessHours({ days: [0, 8], start: "24:00", end: "25:00" }), {
    ok: false,
    errors: {
      days: "Days are numbers from 1 (Monday) to 7 (Sunday).",
      start: "Use a time like 08:00.",
      end: "Use a time like 17:00.",
    },
  });
  assert.deepEqual(
    validateBusinessHours({ days: [1], start: "09:00", end: "09:00", closedDates: "2026-12-25" }),
    {
      ok: false,
      errors: {
        end: "The day must end after it starts.",
        closedDates: "Closed dates must be a list of dates like 2026-12-25.",
      },
    },
  );
  assert.deepEqual(validateBusinessHours(null), {
    ok: false,
    errors: { _: "Set the days and hours of the working day." },
  });
});

Deno.test("business hours - invalid hours are refused by the computations", () => {
  assert.throws(() => isWithinBusinessHours(0, "UTC", hours({ start: "17:00", end: "08:00" })), RangeError);
  assert.throws(() => isWithinBusinessHours(0, "Mars/Olympus", D), RangeError);
});
