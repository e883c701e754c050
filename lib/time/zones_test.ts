import assert from "node:assert/strict";
import { canonicalTimeZone, cityOf, currentZoneName, timeZoneNames } from "./zones.ts";

Deno.test("zones - accepts IANA names and rejects the rest", () => {
  assert.equal(canonicalTimeZone("Europe/Lisbon"), "Europe/Lisbon");
  assert.equal(canonicalTimeZone("Asia/Kathmandu"), "Asia/Kathmandu");
  assert.equal(canonicalTimeZone("utc"), "UTC");
  assert.equal(canonicalTimeZone("asia/kolkata"), "Asia/Kolkata");
  assert.equal(canonicalTimeZone("Mars/Olympus"), null);
  assert.equal(canonicalTimeZone("+05:00"), null);
  assert.equal(canonicalTimeZone(""), null);
  assert.equal(cityOf("America/Port_of_Spain"), "Port of Spain");
});

Deno.test("zones - renamed zones go by their current names, in pickers and when saved", () => {
  const names = timeZoneNames();
  for (const [old, current] of [["Asia/Calcutta", "Asia/Kolkata"], ["Europe/Kiev", "Europe/Kyiv"]]) {
    assert.ok(names.includes(current), current);
    assert.ok(!names.includes(old), old);
    assert.equal(canonicalTimeZone(old), current);
    assert.equal(currentZoneName(old), current);
  }
  assert.equal(names[0], "UTC");
  assert.deepEqual(names.slice(1), [...names.slice(1)].sort(), "in order after UTC");
  assert.equal(new Set(names).size, names.length, "each once");
  // Every current name is one Temporal knows, so times in it can be shown.
  for (const zone of names) assert.equal(canonicalTimeZone(zone), zone);
});
