import assert from "node:assert/strict";
import { emptyStats } from "../tracking/types.ts";
import { otherCounts, seenAt, statusLine } from "./status.ts";

const now = Date.parse("2026-03-03T12:00:00Z");
const sent = {
  status: "sent" as const,
  follow: "following" as const,
  failure: null,
  job: null,
  sentAt: now - 86_400_000,
};
const stats = { ...emptyStats({ id: "m", senderId: "u", subject: "s" }, sent.sentAt) };

Deno.test("status - lifecycle texts", () => {
  assert.equal(statusLine({ ...sent, status: "draft" }, null, now, "UTC").text, "Draft");
  assert.equal(statusLine({ ...sent, status: "sending" }, null, now, "UTC").text, "Sending");
  const reason = "Resend rejected the email: The `to` field contains an address the provider refuses. " +
    "(422 validation_error)";
  assert.deepEqual(
    statusLine(
      { ...sent, status: "failed", failure: { reason, summary: "address rejected", at: now } },
      null,
      now,
      "UTC",
    ),
    { text: "Failed — address rejected", tone: "red", detail: reason },
    "a few words, and the full reason for a tooltip",
  );
  assert.deepEqual(
    statusLine({ ...sent, status: "failed", failure: { reason, at: now } }, null, now, "UTC"),
    { text: "Failed", tone: "red", detail: reason },
    "a failure recorded before summaries: never the long reason in the line",
  );
  assert.equal(
    statusLine(
      { ...sent, status: "scheduled", job: { id: "j", dueAt: Date.parse("2026-03-03T09:10:00Z") } },
      null,
      now,
      "Europe/Lisbon",
    )
      .text,
    "Scheduled to send Tue 3 Mar, 09:10",
  );
  assert.equal(
    statusLine(
      {
        ...sent,
        status: "scheduled",
        job: { id: "j", dueAt: Date.parse("2026-03-03T09:10:00Z") },
        recipientTime: { name: "Ken", zone: "Asia/Tokyo" },
      },
      null,
      now,
      "Europe/Lisbon",
    ).text,
    "Scheduled to send Tue 3 Mar, 09:10 (18:10 Ken's time)",
  );
  assert.equal(
    statusLine(
      {
        ...sent,
        status: "scheduled",
        job: { id: "j", dueAt: Date.parse("2026-03-03T20:00:00Z") },
        recipientTime: { name: "Ken", zone: "Asia/Tokyo" },
      },
      null,
      now,
      "Europe/Lisbon",
    ).text,
    "Scheduled to send Tue 3 Mar, 20:00 (Wed 05:00 Ken's time)",
    "Ken's day, when it isn't the seller's",
  );
  assert.equal(
    statusLine({ ...sent, follow: "not_following" }, stats, now, "UTC").text,
    "Sent · not followed",
  );
});

Deno.test("status - engagement texts in the viewer's zone", () => {
  assert.deepEqual(statusLine(sent, stats, now, "UTC"), { text: "Not opened yet", tone: "amber" });
  const once = { ...stats, opens: 1, firstOpenedAt: now - 300_000, lastOpenedAt: now - 300_000 };
  assert.equal(statusLine(sent, once, now, "UTC").text, "Opened once · 5 minutes ago");
  const many = { ...stats, opens: 3, lastOpenedAt: now - 26 * 3600_000 };
  assert.equal(statusLine(sent, many, now, "UTC").text, "Opened 3 times · last opened yesterday");
  assert.equal(statusLine(sent, { ...many, replies: 1 }, now, "UTC").text, "Replied");
});

Deno.test("status - a browser clock behind the server's still reads a fresh open as 'just now'", () => {
  const justOpened = { ...stats, opens: 1, lastOpenedAt: now, lastActivityAt: now };
  const behind = now - 90_000;
  assert.equal(seenAt(behind, justOpened), now);
  assert.equal(
    statusLine(sent, justOpened, seenAt(behind, justOpened), "UTC").text,
    "Opened once · just now",
  );
  // A clock ahead is left alone, and with no counters the time is the clock's.
  assert.equal(seenAt(now + 60_000, justOpened), now + 60_000);
  assert.equal(seenAt(behind, null), behind);
});

Deno.test("status - the counts a phone shows under the status: what the status line leaves out", () => {
  assert.equal(otherCounts(sent, stats), null);
  assert.equal(otherCounts(sent, { ...stats, opens: 3 }), null, "the status says the opens");
  assert.equal(otherCounts(sent, { ...stats, opens: 3, clicks: 1 }), "1 link click");
  assert.equal(
    otherCounts(sent, { ...stats, opens: 2, clicks: 2, attachmentViews: 1, replies: 1 }),
    "2 opens · 2 link clicks · 1 file view",
    "'Replied' hides the opens",
  );
  assert.equal(
    otherCounts(sent, { ...stats, privacyProxyOpens: 1, replies: 1 }, { countProxyOpens: true }),
    "1 open",
  );
  assert.equal(
    otherCounts({ follow: "not_following" }, { ...stats, clicks: 4 }),
    null,
    "not followed: not counted",
  );
  assert.equal(otherCounts(sent, null), null);
});
