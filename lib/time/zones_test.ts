import assert from "node:assert/strict";
import { canonicalTimeZone, cityOf } from "./zones.ts";

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
