import assert from "node:assert/strict";
import { formatDateTime, formatDuration, formatRelative, formatTime, formatTimeBeside } from "./format.ts";

const now = Date.parse("2026-03-03T12:00:00Z"); // a Tuesday

Deno.test("format - date and time in the viewer's zone", () => {
  assert.equal(formatDateTime(Date.parse("2026-03-03T09:10:00Z"), "Europe/Lisbon", now), "Tue 3 Mar, 09:10");
  assert.equal(formatDateTime(Date.parse("2026-03-03T09:10:00Z"), "Asia/Tokyo", now), "Tue 3 Mar, 18:10");
  assert.equal(formatDateTime(Date.parse("2025-12-31T23:00:00Z"), "UTC", now), "Wed 31 Dec 2025, 23:00");
  assert.equal(formatTime(Date.parse("2026-03-03T09:10:00Z"), "Asia/Kathmandu"), "14:55");
});

Deno.test("format - relative times use calendar days in the zone", () => {
  assert.equal(formatRelative(now - 10_000, now, "UTC"), "just now");
  assert.equal(formatRelative(now - 5 * 60_000, now, "UTC"), "5 minutes ago");
  assert.equal(formatRelative(now - 3 * 3600_000, now, "UTC"), "3 hours ago");
  assert.equal(formatRelative(now - 26 * 3600_000, now, "UTC"), "yesterday");
  assert.equal(formatRelative(now - 3 * 86_400_000, now, "UTC"), "3 days ago");
  assert.equal(formatRelative(now + 2 * 3600_000, now, "UTC"), "in 2 hours");
  assert.equal(formatRelative(now - 30 * 86_400_000, now, "UTC"), "1 Feb 2026");
});

Deno.test("format - durations", () => {
  assert.equal(formatDuration(45_000), "45 seconds");
  assert.equal(formatDuration(12 * 60_000), "12 minutes");
  assert.equal(formatDuration(125 * 60_000), "2 h 5 min");
  assert.equal(formatDuration(3 * 86_400_000), "3 days");
});

Deno.test("format - someone else's time beside the viewer's names the day when their date differs", () => {
  const mondayEvening = Date.parse("2026-03-02T19:30:00Z"); // Mon 19:30 in Lisbon
  assert.equal(formatTimeBeside(mondayEvening, "Asia/Tokyo", "Europe/Lisbon"), "Tue 04:30");
  assert.equal(formatTimeBeside(mondayEvening, "America/New_York", "Europe/Lisbon"), "14:30");
  assert.equal(
    formatTimeBeside(Date.parse("2026-03-02T09:00:00Z"), "Pacific/Honolulu", "Asia/Tokyo"),
    "Sun 23:00",
  );
});
