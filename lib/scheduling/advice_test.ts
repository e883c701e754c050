import assert from "node:assert/strict";
import { type BusinessHours, DEFAULT_BUSINESS_HOURS } from "./business_hours.ts";
import { delayLabel, describeChoice, guessZone, localTimeFor } from "./advice.ts";

const at = (iso: string) => Date.parse(iso);
const D = DEFAULT_BUSINESS_HOURS;

Deno.test("advice - each recipient's local time, and plain advice when it is outside their hours", () => {
  // Tue 3 Mar 10:30 UTC: 10:30 in Lisbon, 19:30 in Tokyo.
  assert.deepEqual(
    describeChoice(at("2026-03-03T10:30:00Z"), [
      { name: "Ana", zone: "Europe/Lisbon", hours: D },
      { name: "Ken", zone: "Asia/Tokyo", hours: D },
    ]),
    [
      {
        name: "Ana",
        zone: "Europe/Lisbon",
        city: "Lisbon",
        localText: "Tue 10:30",
        inside: true,
        advice: null,
      },
      {
        name: "Ken",
        zone: "Asia/Tokyo",
        city: "Tokyo",
        localText: "Tue 19:30",
        inside: false,
        advice: "Tue 19:30 in Tokyo is outside Ken's business hours (Mon–Fri 08:00–17:00).",
      },
    ],
  );
});

Deno.test("advice - the local day is the recipient's: Kiritimati and Pago Pago", () => {
  // Fri 6 Mar 20:00 UTC: Saturday 10:00 in Kiritimati, Friday 09:00 in Pago Pago.
  const lines = describeChoice(at("2026-03-06T20:00:00Z"), [
    { name: "Tebwa", zone: "Pacific/Kiritimati", hours: D },
    { name: "Teuila", zone: "Pacific/Pago_Pago", hours: D },
    { name: "Bina", zone: "Asia/Kathmandu", hours: { ...D, days: [1, 3, 5], start: "09:30", end: "16:00" } },
  ]);
  assert.deepEqual(lines.map((l) => [l.localText, l.inside, l.advice]), [
    ["Sat 10:00", false, "Sat 10:00 in Kiritimati is outside Tebwa's business hours (Mon–Fri 08:00–17:00)."],
    ["Fri 09:00", true, null],
    [
      "Sat 01:45",
      false,
      "Sat 01:45 in Kathmandu is outside Bina's business hours (Mon, Wed, Fri 09:30–16:00).",
    ],
  ]);
});

Deno.test("advice - a closed date says so", () => {
  const hours: BusinessHours = { ...D, closedDates: ["2026-12-25"] };
  assert.deepEqual(
    describeChoice(at("2026-12-25T10:00:00Z"), [{ name: "Ana", zone: "Europe/Lisbon", hours }])[0],
    {
      name: "Ana",
      zone: "Europe/Lisbon",
      city: "Lisbon",
      localText: "Fri 10:00",
      inside: false,
      advice: "Fri 10:00 in Lisbon is outside Ana's business hours (closed on 2026-12-25).",
    },
  );
});

Deno.test("advice - without a usable time zone, advice is unavailable and says how to fix it", () => {
  assert.deepEqual(
    describeChoice(at("2026-03-03T10:30:00Z"), [
      { name: "Ken", zone: null, hours: D },
      { name: "Zed", zone: "Mars/Olympus", hours: D },
    ]),
    [
      {
        name: "Ken",
        zone: null,
        city: null,
        localText: null,
        inside: null,
        advice: "Advice is unavailable: Ken has no time zone. Set it on the contact.",
      },
      {
        name: "Zed",
        zone: "Mars/Olympus",
        city: null,
        localText: null,
        inside: null,
        advice:
          'Advice is unavailable: Zed\'s time zone "Mars/Olympus" is not recognised. Set it on the contact.',
      },
    ],
  );
});

Deno.test("advice - labels for the picker", () => {
  const t = at("2026-03-03T09:10:00Z");
  assert.equal(localTimeFor(t, { name: "Ana", zone: "Europe/Lisbon" }), "Tue 09:10 for Ana in Lisbon");
  assert.equal(localTimeFor(t, { name: "Ken", zone: "Asia/Tokyo" }), "Tue 18:10 for Ken in Tokyo");
  assert.equal(delayLabel(t, { name: "Ana", zone: "Europe/Lisbon" }), "Delay send to Tue 09:10 Ana's time");
});

Deno.test("advice - guessZone picks the most common zone of the company's other contacts", () => {
  assert.equal(guessZone(["Europe/Lisbon", null, "Asia/Tokyo", "Europe/Lisbon", ""]), "Europe/Lisbon");
  assert.equal(guessZone(["Asia/Tokyo"]), "Asia/Tokyo");
  assert.equal(guessZone([]), null);
  assert.equal(guessZone([null, null]), null);
  // A tie is not a guess.
  assert.equal(guessZone(["Europe/Lisbon", "Asia/Tokyo"]), null);
  assert.equal(guessZone(["Europe/Lisbon", "Asia/Tokyo", "Asia/Tokyo", "Europe/Lisbon", "UTC"]), null);
});
