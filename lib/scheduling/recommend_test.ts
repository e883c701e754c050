import assert from "node:assert/strict";
import { type BusinessHours, DEFAULT_BUSINESS_HOURS, isWithinBusinessHours } from "./business_hours.ts";
import {
  EMPTY_HISTORY,
  EVIDENCE_WEIGHTS,
  type History,
  MIN_RECIPIENT_EVIDENCE,
  MIN_TEAM_EVIDENCE,
  recommendSendTime,
  tallyByLocalHour,
} from "./recommend.ts";
import type { Audience } from "./slots.ts";

const at = (iso: string) => Date.parse(iso);
const utc = (ms: number) => new Date(ms).toISOString();
const D = DEFAULT_BUSINESS_HOURS;
const history = (h: Partial<History>): History => ({ clicks: [], replies: [], opens: [], ...h });
const ana: Audience = { name: "Ana", zone: "Europe/Lisbon", hours: D }; // UTC+0 in Feb/Mar
const ken: Audience = { name: "Ken", zone: "Asia/Tokyo", hours: D }; // UTC+9

// Mon 2 Mar 2026, 07:00 in Lisbon.
const monday7 = at("2026-03-02T07:00:00Z");

Deno.test("recommend - the constants", () => {
  assert.deepEqual({ ...EVIDENCE_WEIGHTS }, { reply: 3, click: 2, open: 1 });
  assert.equal(MIN_RECIPIENT_EVIDENCE, 6);
  assert.equal(MIN_TEAM_EVIDENCE, 10);
});

Deno.test("recommend - enough of the recipient's own replies at 10:xx beats the team's history", () => {
  const own = history({
    replies: ["2026-02-03T10:12:00Z", "2026-02-10T10:40:00Z", "2026-02-17T10:05:00Z", "2026-02-24T10:55:00Z"]
      .map(at),
    clicks: ["2026-02-11T10:30:00Z", "2026-02-18T10:50:00Z", "2026-02-25T10:01:00Z"].map(at),
    // Opens at 14:xx weigh less than the replies and clicks at 10:xx.
    opens: ["2026-02-03T14:00:00Z", "2026-02-04T14:10:00Z", "2026-02-05T14:20:00Z", "2026-02-06T14:30:00Z"]
      .map(at),
  });
  const team = history({
    replies: Array.from({ length: 20 }, (_, i) => at("2026-02-02T15:00:00Z") + i * 86_400_000),
  });
  assert.deepEqual(recommendSendTime({ now: monday7, recipient: ana, own, team, teamSize: 40 }), {
    at: at("2026-03-02T10:00:00Z"),
    basis: "recipient",
    evidence: 7,
    explanation: "based on 7 of Ana's replies and clicks",
  });
});

Deno.test("recommend - too little own evidence falls to the team's history for the zone", () => {
  // One reply and two opens: weight 5, under the minimum of 6.
  const own = history({
    replies: [at("2026-02-10T02:00:00Z")], // 11:00 in Tokyo
    opens: [at("2026-02-11T02:00:00Z"), at("2026-02-12T02:00:00Z")],
  });
  // The team's people in Tokyo reply at 14:xx there (05:xx UTC).
  const team = history({
    replies: ["2026-02-02T05:10:00Z", "2026-02-03T05:20:00Z", "2026-02-09T05:30:00Z", "2026-02-16T05:40:00Z"]
      .map(at),
  });
  const now = at("2026-03-02T00:00:00Z"); // Mon 09:00 in Tokyo
  assert.deepEqual(recommendSendTime({ now, recipient: ken, own, team, teamSize: 23 }), {
    at: at("2026-03-02T05:00:00Z"),
    basis: "team",
    evidence: 4,
    explanation: "based on the team's results with 23 people in Asia/Tokyo",
  });
  assert.equal(
    recommendSendTime({ now, recipient: ken, own, team }).explanation,
    "based on 4 of the team's replies with people in Asia/Tokyo",
  );
  assert.equal(
    recommendSendTime({ now, recipient: ken, own, team, teamSize: 1 }).explanation,
    "based on the team's results with 1 person in Asia/Tokyo",
  );
});

Deno.test("recommend - with no evidence it is the next business hour", () => {
  // Inside hours: now, rounded up to the 5-minute grid.
  assert.deepEqual(
    recommendSendTime({
      now: at("2026-03-02T00:03:00Z"),
      recipient: ken,
      own: EMPTY_HISTORY,
      team: EMPTY_HISTORY,
    }),
    {
      at: at("2026-03-02T00:05:00Z"),
      basis: "business_hours",
      evidence: 0,
      explanation: "within business hours in Tokyo",
    },
  );
  // Saturday noon in Tokyo: Monday 08:00 there.
  assert.deepEqual(
    recommendSendTime({
      now: at("2026-03-07T03:00:00Z"),
      recipient: ken,
      own: EMPTY_HISTORY,
      team: EMPTY_HISTORY,
    }),
    {
      at: at("2026-03-08T23:00:00Z"),
      basis: "business_hours",
      evidence: 0,
      explanation: "the next business hour in Tokyo",
    },
  );
  // Too little team evidence too (weight 9 < 10).
  const team = history({ replies: [1, 2, 3].map((d) => at(`2026-02-0${d}T05:00:00Z`)) });
  assert.equal(
    recommendSendTime({ now: at("2026-03-07T03:00:00Z"), recipient: ken, own: EMPTY_HISTORY, team }).basis,
    "business_hours",
  );
});

Deno.test("recommend - replies and clicks outweigh opens", () => {
  const own = history({
    opens: ["2026-02-02T09:10:00Z", "2026-02-03T09:10:00Z", "2026-02-04T09:10:00Z", "2026-02-05T09:10:00Z"]
      .map(at),
    replies: [at("2026-02-06T11:15:00Z"), at("2026-02-09T11:45:00Z")],
  });
  const rec = recommendSendTime({ now: monday7, recipient: ana, own, team: EMPTY_HISTORY });
  assert.equal(utc(rec.at), "2026-03-02T11:00:00.000Z");
  assert.equal(rec.explanation, "based on 2 of Ana's replies");
});

Deno.test("recommend - events outside business hours are not evidence for a time inside them", () => {
  const own = history({ replies: [1, 2, 3, 4, 5].map((d) => at(`2026-02-0${d}T20:30:00Z`)) });
  const rec = recommendSendTime({ now: monday7, recipient: ana, own, team: EMPTY_HISTORY });
  assert.equal(rec.basis, "business_hours");
  assert.equal(utc(rec.at), "2026-03-02T08:00:00.000Z");
});

Deno.test("recommend - equally good hours: the one that comes round first", () => {
  const own = history({
    replies: [
      at("2026-02-02T09:10:00Z"),
      at("2026-02-03T09:20:00Z"),
      at("2026-02-04T15:10:00Z"),
      at("2026-02-05T15:20:00Z"),
    ],
  });
  // At noon, 15:00 today comes before 09:00 tomorrow.
  const rec = recommendSendTime({
    now: at("2026-03-02T12:00:00Z"),
    recipient: ana,
    own,
    team: EMPTY_HISTORY,
  });
  assert.equal(utc(rec.at), "2026-03-02T15:00:00.000Z");
  assert.equal(rec.evidence, 2);
});

Deno.test("recommend - within the best hour already, it is now; never before now or from", () => {
  const own = history({ replies: [at("2026-02-02T10:10:00Z"), at("2026-02-03T10:20:00Z")] });
  const args = { recipient: ana, own, team: EMPTY_HISTORY };
  assert.equal(
    utc(recommendSendTime({ ...args, now: at("2026-03-02T10:20:00Z") }).at),
    "2026-03-02T10:20:00.000Z",
  );
  assert.equal(
    utc(recommendSendTime({ ...args, now: at("2026-03-02T10:21:00Z") }).at),
    "2026-03-02T10:25:00.000Z",
  );
  // 10:58 rounds to 11:00, outside the hour: tomorrow 10:00.
  assert.equal(
    utc(recommendSendTime({ ...args, now: at("2026-03-02T10:58:00Z") }).at),
    "2026-03-03T10:00:00.000Z",
  );
  // A later `from` (the chosen time) moves it on; an earlier one does not move it back.
  assert.equal(
    utc(recommendSendTime({ ...args, now: monday7, from: at("2026-03-04T00:00:00Z") }).at),
    "2026-03-04T10:00:00.000Z",
  );
  assert.equal(
    utc(recommendSendTime({ ...args, now: at("2026-03-02T11:00:00Z"), from: monday7 }).at),
    "2026-03-03T10:00:00.000Z",
  );
});

Deno.test("recommend - hours are local: New York's 10:00 moves to 14:00 UTC after spring forward", () => {
  const sam: Audience = { name: "Sam", zone: "America/New_York", hours: D };
  // February replies at 10:xx EST, 15:xx UTC.
  const own = history({ replies: [at("2026-02-10T15:05:00Z"), at("2026-02-17T15:30:00Z")] });
  const rec = recommendSendTime({
    now: at("2026-03-09T12:00:00Z"),
    recipient: sam,
    own,
    team: EMPTY_HISTORY,
  });
  assert.equal(utc(rec.at), "2026-03-09T14:00:00.000Z"); // 10:00 EDT
  assert.equal(tallyByLocalHour(own, "America/New_York")[10].replies, 2);
});

Deno.test("recommend - Kathmandu's 10:00 is 04:15 UTC", () => {
  const bina: Audience = { name: "Bina", zone: "Asia/Kathmandu", hours: D };
  const own = history({ replies: [at("2026-02-16T04:20:00Z"), at("2026-02-17T04:50:00Z")] }); // 10:05, 10:35 there
  const rec = recommendSendTime({
    now: at("2026-03-02T00:00:00Z"),
    recipient: bina,
    own,
    team: EMPTY_HISTORY,
  });
  assert.equal(utc(rec.at), "2026-03-02T04:15:00.000Z");
});

Deno.test("recommend - Kiritimati: Saturday there on a UTC Friday waits for its Monday", () => {
  const tebwa: Audience = { name: "Tebwa", zone: "Pacific/Kiritimati", hours: D };
  const own = history({ replies: [at("2026-02-16T19:10:00Z"), at("2026-02-17T19:30:00Z")] }); // 09:xx there
  // Fri 6 Mar 20:00 UTC is Sat 10:00 in Kiritimati; Mon 09:00 there is Sun 8 Mar 19:00 UTC.
  const rec = recommendSendTime({
    now: at("2026-03-06T20:00:00Z"),
    recipient: tebwa,
    own,
    team: EMPTY_HISTORY,
  });
  assert.equal(utc(rec.at), "2026-03-08T19:00:00.000Z");
});

Deno.test("recommend - a start off the hour and closed dates are respected", () => {
  const own = history({ replies: [at("2026-02-16T08:40:00Z"), at("2026-02-17T08:50:00Z")] });
  const late: BusinessHours = { ...D, start: "08:30", closedDates: ["2026-03-02"] };
  const rec = recommendSendTime({
    now: monday7,
    recipient: { ...ana, hours: late },
    own,
    team: EMPTY_HISTORY,
  });
  assert.equal(utc(rec.at), "2026-03-03T08:30:00.000Z");
  assert.equal(rec.basis, "recipient");
});

Deno.test("recommend - always inside business hours and never in the past", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const zones = [
    "Europe/Lisbon",
    "America/New_York",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
  ];
  const base = at("2026-01-01T00:00:00Z"), year = 365 * 86_400_000;
  for (let i = 0; i < 60; i++) {
    const zone = zones[i % zones.length];
    const recipient: Audience = {
      name: "X",
      zone,
      hours: i % 2 ? D : { ...D, days: [2, 4], start: "09:45" },
    };
    const events = (n: number) => Array.from({ length: n }, () => base + Math.floor(random() * year));
    const own = history({ replies: events(i % 4), clicks: events(i % 3), opens: events(i % 5) });
    const team = history({ replies: events(i % 6), opens: events(10) });
    const now = base + Math.floor(random() * year);
    const rec = recommendSendTime({ now, recipient, own, team });
    assert.ok(rec.at >= now, `${zone} ${utc(now)}`);
    assert.ok(isWithinBusinessHours(rec.at, zone, recipient.hours), `${zone} ${utc(now)} → ${utc(rec.at)}`);
    assert.equal(new Date(rec.at).getUTCSeconds(), 0);
  }
});

Deno.test("recommend - the fallback looks past a long closure, and refuses hours that never open", () => {
  const march = Array.from({ length: 31 }, (_, i) => `2026-03-${String(i + 1).padStart(2, "0")}`);
  const closed: Audience = { ...ana, hours: { ...D, closedDates: march } };
  const rec = recommendSendTime({ now: monday7, recipient: closed, own: EMPTY_HISTORY, team: EMPTY_HISTORY });
  assert.equal(utc(rec.at), "2026-04-01T07:00:00.000Z"); // Wed 1 Apr 08:00 in Lisbon (summer time)
  assert.equal(rec.explanation, "the next business hour in Lisbon");

  const mondays = Array.from(
    { length: 60 },
    (_, i) => new Date(at("2026-03-02T00:00:00Z") + i * 7 * 86_400_000),
  )
    .map((d) => d.toISOString().slice(0, 10));
  const never: Audience = { ...ana, hours: { ...D, days: [1], closedDates: mondays } };
  assert.throws(
    () => recommendSendTime({ now: monday7, recipient: never, own: EMPTY_HISTORY, team: EMPTY_HISTORY }),
    {
      name: "RangeError",
      message: "Ana's business hours (Mon 08:00–17:00) have no open day within 366 days.",
    },
  );
});
