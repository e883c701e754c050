import assert from "node:assert/strict";
import {
  bucketSize,
  resultsByTemplate,
  resultsOverTime,
  type Send,
  summarize,
  templateResults,
} from "./stats.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 9); // Monday 2 March 2026, 09:00 UTC

function send(over: Partial<Send> = {}): Send {
  return {
    messageId: crypto.randomUUID(),
    template: { id: "T", version: 1 },
    senderId: "u",
    sentAt: T0,
    contactIds: [],
    opened: false,
    clicked: false,
    replied: false,
    replyMs: null,
    ...over,
  };
}

Deno.test("stats - summarize: rates over sends, null (not 0%) without sends, median time to reply", () => {
  assert.deepEqual(summarize([]), {
    sent: 0,
    opened: 0,
    clicked: 0,
    replied: 0,
    openRate: null,
    clickRate: null,
    replyRate: null,
    medianReplyMs: null,
  });
  const r = summarize([
    send({ opened: true, clicked: true, replied: true, replyMs: 3_600_000 }),
    send({ opened: true, replied: true, replyMs: 7_200_000 }),
    send({ replied: true, replyMs: 60_000 }),
    send(),
  ]);
  assert.equal(r.sent, 4);
  assert.equal(r.openRate, 0.5);
  assert.equal(r.clickRate, 0.25);
  assert.equal(r.replyRate, 0.75);
  assert.equal(r.medianReplyMs, 3_600_000, "median of 1 min, 1 h, 2 h");
});

Deno.test("stats - per template and per version, versions in order", () => {
  const sends = [
    send({ template: { id: "A", version: 2 }, replied: true, replyMs: 10 }),
    send({ template: { id: "A", version: 1 } }),
    send({ template: { id: "A", version: 1 }, replied: true, replyMs: 30 }),
    send({ template: { id: "B", version: 1 } }),
    send({ template: null, replied: true, replyMs: 5 }),
  ];
  const all = resultsByTemplate(sends);
  assert.deepEqual([...all.keys()].sort(), ["A", "B"], "sends without a template belong to none");
  const a = all.get("A")!;
  assert.equal(a.overall.sent, 3);
  assert.equal(a.overall.medianReplyMs, 20);
  assert.deepEqual(a.versions.map((v) => [v.version, v.sent, v.replied]), [[1, 2, 1], [2, 1, 1]]);
  assert.equal(templateResults([]).lastSentAt, null);
});

Deno.test("stats - over time: days, Monday weeks or months; empty periods stay as gaps", () => {
  assert.equal(bucketSize(T0, T0 + 21 * DAY), "day");
  assert.equal(bucketSize(T0, T0 + 22 * DAY), "week");
  assert.equal(bucketSize(T0, T0 + 200 * DAY), "month");

  const days = resultsOverTime(
    [send({ sentAt: T0 }), send({ sentAt: T0 + 2 * DAY, replied: true })],
    T0 + 3 * DAY,
  );
  assert.equal(days.size, "day");
  assert.deepEqual(days.buckets.map((b) => b.sent), [1, 0, 1, 0]);
  assert.equal(days.buckets[1].replyRate, null, "a day without sends has no rate");
  assert.equal(days.buckets[2].replyRate, 1);
  assert.equal(days.buckets[0].start, Date.UTC(2026, 2, 2));

  // Wednesday 4 March and 40 days later: weeks start on Monday 2 March.
  const weeks = resultsOverTime(
    [send({ sentAt: T0 + 2 * DAY }), send({ sentAt: T0 + 42 * DAY })],
    T0 + 42 * DAY,
  );
  assert.equal(weeks.size, "week");
  assert.equal(weeks.buckets[0].start, Date.UTC(2026, 2, 2));
  assert.equal(weeks.buckets.length, 7);
  assert.deepEqual(weeks.buckets.map((b) => b.sent), [1, 0, 0, 0, 0, 0, 1]);

  const months = resultsOverTime([send({ sentAt: T0 })], T0 + 400 * DAY, 6);
  assert.equal(months.size, "month");
  assert.equal(months.buckets.length, 6, "only the latest periods");
  assert.equal(months.buckets.at(-1)!.start, Date.UTC(2027, 3, 1));
  assert.deepEqual(resultsOverTime([], T0), { size: "week", buckets: [] });
});
