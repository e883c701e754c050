import assert from "node:assert/strict";
import {
  type BusinessHours,
  DEFAULT_BUSINESS_HOURS,
  isWithinBusinessHours,
  MINUTE,
} from "./business_hours.ts";
import { type Audience, bestCompromise, commonSlot, nextBusinessSlot, roundUpToGrid } from "./slots.ts";
import { zoned } from "./temporal.ts";

const at = (iso: string) => Date.parse(iso);
const utc = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();
const local = (ms: number | null, zone: string) => ms === null ? null : zoned(ms, zone).toString();
const D = DEFAULT_BUSINESS_HOURS;
const hours = (over: Partial<BusinessHours>): BusinessHours => ({ ...D, ...over });

Deno.test("slots - next slot from Friday evening is Monday 08:00", () => {
  // Fri 6 Mar 18:00 in New York (23:00Z) → Mon 9 Mar 08:00 EDT: the weekend crossed spring forward.
  assert.equal(
    local(nextBusinessSlot(at("2026-03-06T23:00:00Z"), "America/New_York", D), "America/New_York"),
    "2026-03-09T08:00:00-04:00[America/New_York]",
  );
  // Fri 6 Mar 18:00 in Lisbon → Mon 9 Mar 08:00 (UTC in winter).
  assert.equal(
    utc(nextBusinessSlot(at("2026-03-06T18:00:00Z"), "Europe/Lisbon", D)),
    "2026-03-09T08:00:00.000Z",
  );
});

Deno.test("slots - from inside hours the next slot is now, rounded up to the grid", () => {
  const zone = "Europe/Lisbon";
  assert.equal(utc(nextBusinessSlot(at("2026-03-03T10:02:30Z"), zone, D)), "2026-03-03T10:05:00.000Z");
  assert.equal(utc(nextBusinessSlot(at("2026-03-03T10:05:00Z"), zone, D)), "2026-03-03T10:05:00.000Z");
  assert.equal(
    utc(nextBusinessSlot(at("2026-03-03T10:05:00Z"), zone, D, { stepMinutes: 15 })),
    "2026-03-03T10:15:00.000Z",
  );
  // 16:58 rounds up to 17:00, which is closed: the next slot is tomorrow 08:00.
  assert.equal(utc(nextBusinessSlot(at("2026-03-03T16:58:00Z"), zone, D)), "2026-03-04T08:00:00.000Z");
  // Before opening: the opening.
  assert.equal(utc(nextBusinessSlot(at("2026-03-03T06:00:00Z"), zone, D)), "2026-03-03T08:00:00.000Z");
});

Deno.test("slots - the grid is in local minutes, so Kathmandu rounds to its own hours", () => {
  // Mon 2 Mar 08:05 in Kathmandu (+05:45) is 02:20Z. On an hourly grid the slot is 09:00 there (03:15Z);
  // a UTC-hour grid would wrongly give 03:00Z, 08:45 in Kathmandu.
  const from = at("2026-03-02T02:20:00Z");
  assert.equal(
    utc(nextBusinessSlot(from, "Asia/Kathmandu", D, { stepMinutes: 60 })),
    "2026-03-02T03:15:00.000Z",
  );
  assert.equal(
    utc(nextBusinessSlot(from, "Asia/Kathmandu", D, { stepMinutes: 30 })),
    "2026-03-02T02:45:00.000Z",
  );
  assert.equal(
    utc(nextBusinessSlot(from, "Asia/Kolkata", D, { stepMinutes: 60 })),
    "2026-03-02T02:30:00.000Z",
  );
  // Chatham (+13:45 in March): hourly grid from Mon 08:20 (Sun 18:35Z) gives 09:00 there, Sun 19:15Z.
  assert.equal(
    utc(nextBusinessSlot(at("2026-03-01T18:35:00Z"), "Pacific/Chatham", D, { stepMinutes: 60 })),
    "2026-03-01T19:15:00.000Z",
  );
});

Deno.test("slots - next slot uses the local weekday in Kiritimati and Pago Pago", () => {
  // Sat 28 Feb 20:00Z is already Sun 1 Mar 10:00 in Kiritimati; Mon 08:00 there is Sun 1 Mar 18:00Z.
  assert.equal(
    utc(nextBusinessSlot(at("2026-02-28T20:00:00Z"), "Pacific/Kiritimati", D)),
    "2026-03-01T18:00:00.000Z",
  );
  // Mon 2 Mar 05:00Z is still Sun 18:00 in Pago Pago; Mon 08:00 there is Mon 19:00Z.
  assert.equal(
    utc(nextBusinessSlot(at("2026-03-02T05:00:00Z"), "Pacific/Pago_Pago", D)),
    "2026-03-02T19:00:00.000Z",
  );
});

Deno.test("slots - closed dates are skipped", () => {
  const xmas = hours({ closedDates: ["2026-12-25"] });
  // Thu 24 Dec 17:30 in Lisbon → Fri 25 closed → Mon 28 Dec 08:00.
  assert.equal(
    utc(nextBusinessSlot(at("2026-12-24T17:30:00Z"), "Europe/Lisbon", xmas)),
    "2026-12-28T08:00:00.000Z",
  );
  // Kiritimati closed on its Monday 2 Mar: from Mon 08:00 there (Sun 1 Mar 18:00Z) → Tue 08:00 (Mon 2 Mar 18:00Z,
  // a UTC date equal to the closed one, which must not matter).
  const closedMonday = hours({ closedDates: ["2026-03-02"] });
  assert.equal(
    utc(nextBusinessSlot(at("2026-03-01T18:00:00Z"), "Pacific/Kiritimati", closedMonday)),
    "2026-03-02T18:00:00.000Z",
  );
});

Deno.test("slots - DST changes: the gap, the repeated hour, and grid rounding across them", () => {
  const ny = "America/New_York";
  // Start 02:30 falls in the spring-forward gap on Sun 8 Mar: the slot is the first valid instant, 03:00 EDT.
  const gap = hours({ days: [7], start: "02:30", end: "05:00" });
  assert.equal(
    local(nextBusinessSlot(at("2026-03-08T05:00:00Z"), ny, gap), ny),
    "2026-03-08T03:00:00-04:00[America/New_York]",
  );
  // Rounding up from 01:58 EST crosses the gap to 03:00 EDT.
  assert.equal(
    local(roundUpToGrid(at("2026-03-08T06:58:00Z"), ny), ny),
    "2026-03-08T03:00:00-04:00[America/New_York]",
  );
  // Rounding up from 01:58 EDT on fall-back day lands on the repeated 01:00 EST, not 02:00.
  assert.equal(
    local(roundUpToGrid(at("2026-11-01T05:58:00Z"), ny), ny),
    "2026-11-01T01:00:00-05:00[America/New_York]",
  );
  // Inside the repeated hour the slot is "now", in the second 01:xx too.
  const night = hours({ days: [7], start: "01:00", end: "05:00" });
  assert.equal(
    local(nextBusinessSlot(at("2026-11-01T06:12:00Z"), ny, night), ny),
    "2026-11-01T01:15:00-05:00[America/New_York]",
  );
  // Chatham falls back from 03:45 CHADT to 02:45 CHAST on Sun 5 Apr. From 03:40 CHADT a 30-minute grid would
  // say 04:00 CHADT, but the clock turns back first; 02:45 is off the grid, so the next grid instant is 03:00 CHAST.
  const chatham = "Pacific/Chatham";
  assert.equal(
    local(roundUpToGrid(at("2026-04-04T13:55:00Z"), chatham, 30), chatham),
    "2026-04-05T03:00:00+12:45[Pacific/Chatham]",
  );
});

Deno.test("slots - nothing within the horizon gives null", () => {
  const saturdays = hours({ days: [6] });
  assert.equal(
    nextBusinessSlot(at("2026-03-02T09:00:00Z"), "Europe/Lisbon", saturdays, { horizonDays: 3 }),
    null,
  );
  assert.equal(
    utc(nextBusinessSlot(at("2026-03-02T09:00:00Z"), "Europe/Lisbon", saturdays, { horizonDays: 5 })),
    "2026-03-07T08:00:00.000Z",
  );
  assert.throws(() => nextBusinessSlot(0, "UTC", D, { stepMinutes: 7 }), RangeError);
  assert.throws(() => nextBusinessSlot(NaN, "UTC", D), RangeError);
});

/** The earliest grid instant >= from that is inside hours, found by walking every minute. */
function bruteNextSlot(
  from: number,
  zone: string,
  h: BusinessHours,
  step: number,
  days: number,
): number | null {
  for (let t = Math.ceil(from / MINUTE) * MINUTE; t <= from + days * 86_400_000; t += MINUTE) {
    const z = zoned(t, zone);
    if ((z.hour * 60 + z.minute) % step === 0 && isWithinBusinessHours(t, zone, h)) return t;
  }
  return null;
}

Deno.test("slots - nextBusinessSlot agrees with a minute-by-minute walk", () => {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const zones = [
    "America/New_York",
    "Europe/London",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Lord_Howe",
  ];
  const shapes: BusinessHours[] = [
    D,
    hours({ days: [6, 7], start: "00:45", end: "03:15" }),
    hours({ days: [7], start: "02:50", end: "04:00" }),
    hours({ days: [1, 7], start: "01:40", end: "02:20", closedDates: ["2026-04-05", "2026-11-01"] }),
  ];
  const around = [
    "2026-03-06T00:00:00Z",
    "2026-04-03T00:00:00Z",
    "2026-09-25T00:00:00Z",
    "2026-10-30T00:00:00Z",
  ];
  let checked = 0;
  for (const zone of zones) {
    for (const h of shapes) {
      for (const base of around) {
        const from = at(base) + Math.floor(random() * 3 * 86_400_000);
        const step = [1, 5, 15, 30][Math.floor(random() * 4)];
        const expected = bruteNextSlot(from, zone, h, step, 3);
        const actual = nextBusinessSlot(from, zone, h, { stepMinutes: step, horizonDays: 3 });
        assert.equal(
          utc(actual),
          utc(expected),
          `${zone} from ${utc(from)} step ${step} ${JSON.stringify(h)}`,
        );
        checked++;
      }
    }
  }
  assert.equal(checked, 112);
});

const ana = (h = D): Audience => ({ name: "Ana", zone: "Europe/Lisbon", hours: h });
const ken = (h = D): Audience => ({ name: "Ken", zone: "Asia/Tokyo", hours: h });

Deno.test("slots - Lisbon and Tokyo share early morning Lisbon = afternoon Tokyo in summer", () => {
  // Lisbon is UTC+1 in summer: Mon 1 Jun 08:00 there is 07:00Z, 16:00 in Tokyo.
  const slot = commonSlot(at("2026-06-01T00:00:00Z"), [ana(), ken()]);
  assert.equal(local(slot, "Europe/Lisbon"), "2026-06-01T08:00:00+01:00[Europe/Lisbon]");
  assert.equal(local(slot, "Asia/Tokyo"), "2026-06-01T16:00:00+09:00[Asia/Tokyo]");
  // Later that Monday, past 09:00 Lisbon (Tokyo closed), the next is Tuesday 08:00 Lisbon.
  assert.equal(utc(commonSlot(at("2026-06-01T08:00:00Z"), [ana(), ken()])), "2026-06-02T07:00:00.000Z");
});

Deno.test("slots - Lisbon and Tokyo have no common hour in winter: the compromise is Lisbon's opening", () => {
  // In January Lisbon is UTC+0: its 08:00 is Tokyo's 17:00, when Tokyo has just closed.
  const from = at("2026-01-05T00:00:00Z");
  assert.equal(commonSlot(from, [ana(), ken()]), null);
  assert.deepEqual(bestCompromise(from, [ana(), ken()]), {
    at: at("2026-01-05T08:00:00Z"),
    inside: ["Ana"],
    outside: ["Ken"],
  });
});

Deno.test("slots - Honolulu and Kolkata: half an hour in common with 08:00 starts, none with 09:00", () => {
  const leilani = (h = D): Audience => ({ name: "Leilani", zone: "Pacific/Honolulu", hours: h });
  const priya = (h = D): Audience => ({ name: "Priya", zone: "Asia/Kolkata", hours: h });
  const from = at("2026-03-02T00:00:00Z"); // Sun 14:00 in Honolulu
  // Mon 16:30 in Honolulu is Tue 08:00 in Kolkata.
  const slot = commonSlot(from, [leilani(), priya()]);
  assert.equal(utc(slot), "2026-03-03T02:30:00.000Z");

  const nine = hours({ start: "09:00" });
  assert.equal(commonSlot(from, [leilani(nine), priya(nine)]), null);
  // Best: Kolkata's Tue 09:00 (03:30Z) while Honolulu is 30 minutes past closing (Mon 17:30), which beats
  // Honolulu's 16:55 with Kolkata 35 minutes before opening.
  assert.deepEqual(bestCompromise(from, [leilani(nine), priya(nine)]), {
    at: at("2026-03-03T03:30:00Z"),
    inside: ["Priya"],
    outside: ["Leilani"],
  });
});

Deno.test("slots - common slot with Kathmandu: the grid zone decides what looks round", () => {
  // Lisbon 08:00–17:00Z, Kathmandu 02:15–11:15Z on Mon 2 Mar: both open from 08:00Z.
  const people: Audience[] = [ana(), { name: "Bina", zone: "Asia/Kathmandu", hours: D }];
  const from = at("2026-03-02T00:00:00Z");
  assert.equal(utc(commonSlot(from, people, { stepMinutes: 60 })), "2026-03-02T08:00:00.000Z");
  assert.equal(
    utc(commonSlot(from, people, { stepMinutes: 60, gridZone: "Asia/Kathmandu" })),
    "2026-03-02T08:15:00.000Z",
  );
});

Deno.test("slots - common slot across the date line: Kiritimati and Pago Pago are 25 hours apart", () => {
  // The same wall time is a day apart: Mon 08:00 in Pago Pago (19:00Z) is Tue 09:00 in Kiritimati.
  const people: Audience[] = [
    { name: "Teuila", zone: "Pacific/Pago_Pago", hours: D },
    { name: "Tebwa", zone: "Pacific/Kiritimati", hours: D },
  ];
  const slot = commonSlot(at("2026-03-02T00:00:00Z"), people);
  assert.equal(local(slot, "Pacific/Pago_Pago"), "2026-03-02T08:00:00-11:00[Pacific/Pago_Pago]");
  assert.equal(local(slot, "Pacific/Kiritimati"), "2026-03-03T09:00:00+14:00[Pacific/Kiritimati]");
  // On Friday in Pago Pago it is Saturday in Kiritimati: from Thu 17:00 Pago Pago the next is Mon.
  assert.equal(
    local(commonSlot(at("2026-03-06T04:00:00Z"), people), "Pacific/Pago_Pago"),
    "2026-03-09T08:00:00-11:00[Pacific/Pago_Pago]",
  );
});

Deno.test("slots - with a common slot, the compromise is that slot; no audience is any time", () => {
  const from = at("2026-06-01T00:00:00Z");
  assert.deepEqual(bestCompromise(from, [ana(), ken()]), {
    at: commonSlot(from, [ana(), ken()]),
    inside: ["Ana", "Ken"],
    outside: [],
  });
  assert.equal(utc(commonSlot(at("2026-06-01T00:01:00Z"), [])), "2026-06-01T00:05:00.000Z");
});
