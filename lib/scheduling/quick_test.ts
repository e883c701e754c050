import assert from "node:assert/strict";
import { DEFAULT_BUSINESS_HOURS } from "./business_hours.ts";
import { atLocal, fromLocalInput, proposedCallTime, quickChoices, toLocalInput } from "./quick.ts";

Deno.test("quick choices - tomorrow 9:00 and next Monday in the seller's zone, inside business hours, labelled with what they pick", () => {
  const wednesday = Date.parse("2026-03-04T15:00:00Z"); // Wed 15:00 Lisbon
  assert.deepEqual(
    quickChoices(wednesday, "Europe/Lisbon", DEFAULT_BUSINESS_HOURS)
      .map((c) => [c.label, new Date(c.at).toISOString()]),
    [
      ["Tomorrow 09:00", "2026-03-05T09:00:00.000Z"],
      ["In 2 days", "2026-03-06T15:00:00.000Z"],
      ["Next Monday 09:00", "2026-03-09T09:00:00.000Z"],
    ],
  );
  // On a Friday, tomorrow and the day after are closed: the one choice that moved to Monday 08:00 says so.
  const friday = Date.parse("2026-03-06T15:00:00Z"); // Fri 15:00 Lisbon
  assert.deepEqual(
    quickChoices(friday, "Europe/Lisbon", DEFAULT_BUSINESS_HOURS)
      .map((c) => [c.label, new Date(c.at).toISOString()]),
    [
      ["Mon 08:00", "2026-03-09T08:00:00.000Z"],
      ["Next Monday 09:00", "2026-03-09T09:00:00.000Z"],
    ],
    "not 'Tomorrow 09:00' for Monday 08:00",
  );
  const tuesday = Date.parse("2026-03-03T10:00:00Z");
  assert.equal(
    new Date(quickChoices(tuesday, "Asia/Kolkata", DEFAULT_BUSINESS_HOURS)[0].at).toISOString(),
    "2026-03-04T03:30:00.000Z",
  );
});

Deno.test("quick choices - datetime-local values are read in the profile zone, across DST", () => {
  assert.equal(fromLocalInput("2026-03-08T09:00", "America/New_York"), Date.parse("2026-03-08T13:00:00Z"));
  assert.equal(fromLocalInput("2026-03-07T09:00", "America/New_York"), Date.parse("2026-03-07T14:00:00Z"));
  assert.equal(fromLocalInput("", "UTC"), null);
  assert.equal(fromLocalInput("nonsense", "UTC"), null);
  assert.equal(toLocalInput(Date.parse("2026-03-03T09:10:00Z"), "Asia/Kathmandu"), "2026-03-03T14:55");
  assert.equal(
    atLocal(Date.parse("2026-03-28T12:00:00Z"), "Europe/Lisbon", 1, "09:00"),
    Date.parse("2026-03-29T08:00:00Z"),
  );
});

Deno.test("a proposed call - tomorrow at 10:00 their time when it suits the seller, else an hour of their day that does", () => {
  const now = Date.parse("2026-03-04T15:00:00Z"); // Wed, Lisbon UTC+0, New York UTC-5, Tokyo UTC+9
  const at = (theirs: string, own: string) => new Date(proposedCallTime(now, theirs, own)).toISOString();
  assert.equal(
    at("Europe/Madrid", "Europe/Lisbon"),
    "2026-03-05T09:00:00.000Z",
    "10:00 Madrid is 09:00 Lisbon",
  );
  // 10:00 in New York is 15:00 in Lisbon: fine. For a Tokyo seller it is midnight; 16:00 New York is 06:00 in
  // Tokyo, still outside: there is no hour for both, and it stays 10:00 where the person is.
  assert.equal(at("America/New_York", "Europe/Lisbon"), "2026-03-05T15:00:00.000Z");
  assert.equal(at("America/New_York", "Asia/Tokyo"), "2026-03-05T15:00:00.000Z");
  // It is already Thursday in Tokyo, so tomorrow there is Friday. 10:00 in Tokyo is 01:00 in Lisbon, 16:00 is
  // 07:00: none suits, so 10:00 Tokyo. From Sydney (UTC+11 in March), 10:00 Tokyo is 12:00: it suits.
  assert.equal(at("Asia/Tokyo", "Europe/Lisbon"), "2026-03-06T01:00:00.000Z");
  assert.equal(at("Asia/Tokyo", "Australia/Sydney"), "2026-03-06T01:00:00.000Z");
  // Los Angeles (UTC-8) from Lisbon: 10:00 there is 18:00 in Lisbon, too late; 09:00 there is 17:00: that one.
  assert.equal(at("America/Los_Angeles", "Europe/Lisbon"), "2026-03-05T17:00:00.000Z");
});
