import assert from "node:assert/strict";
import type { MessageStats } from "../tracking/types.ts";
import { keepingNewerStats, type MessageRow, recipientLabel, withLiveRow } from "./rows.ts";

/** A row listed under `key` (by default its id: drafts written and sent in one order). */
const row = (id: string, key = id) => ({ id, listKey: key }) as MessageRow;
const ids = (rows: MessageRow[]) => rows.map((r) => r.id);
const page = [row("05"), row("04"), row("02")];

Deno.test("rows - a live message newer than the page shows goes on top", () => {
  assert.deepEqual(ids(withLiveRow(page, row("06"))), ["06", "05", "04", "02"]);
  assert.deepEqual(ids(withLiveRow([], row("01"))), ["01"], "an empty first page takes anything");
});

Deno.test("rows - a live message older than the page shows is left for a later page", () => {
  // Catch-up on connect replays updates for messages a full first page left to the second.
  assert.deepEqual(ids(withLiveRow(page, row("01"))), ids(page));
  // Unless the list has no later page: then it is this list's, in its place (under "Opened", say).
  assert.deepEqual(ids(withLiveRow(page, row("01"), { complete: true })), ["05", "04", "02", "01"]);
});

Deno.test("rows - a live message within the page's range goes in its place, as a reload would show it", () => {
  // A draft written before the others and sent only now.
  assert.deepEqual(ids(withLiveRow(page, row("03"))), ["05", "04", "03", "02"]);
});

Deno.test("rows - an email that goes out takes its place as of its sending, as a reload would show it", () => {
  // Scheduled long ago (a row low on the page), sent now: it moves to the top.
  assert.deepEqual(ids(withLiveRow(page, row("02", "09"))), ["02", "05", "04"]);
  // A draft written before every row shown and sent only now: on top, though its id is the oldest.
  assert.deepEqual(ids(withLiveRow(page, row("00", "09"))), ["00", "05", "04", "02"]);
  // The last row shown, changed (opened, failed): it stays.
  assert.deepEqual(ids(withLiveRow(page, row("02"))), ["05", "04", "02"]);
});

Deno.test("rows - a right-to-left name is isolated from Beacon's own text around it, so '+2' stays after it", () => {
  const to = (name: string) => ({ email: "m@gulf.example", name, contactId: null });
  const email = { to: [to("محمد الهاشمي")], cc: [to("Ken")], bcc: [to("")] };
  assert.equal(recipientLabel(email), "\u2068محمد الهاشمي\u2069 +2");
  assert.equal(recipientLabel({ ...email, to: [to("Ken Satō")] }), "Ken Satō +2", "left-to-right: as it is");
});

Deno.test("rows - a message read again keeps the counters shown when a live event made them newer meanwhile", () => {
  const stats = (opens: number) =>
    ({ opens, clicks: 0, attachmentViews: 0, replies: 0, prefetches: 0 }) as MessageStats;
  const shown = { ...row("01"), stats: stats(2) } as MessageRow;
  const stale = { ...row("01"), stats: stats(1), status: "sent" } as MessageRow;
  assert.deepEqual(keepingNewerStats(stale, shown), { ...stale, stats: stats(2) }, "the read's other fields");
  const newer = { ...stale, stats: stats(3) };
  assert.deepEqual(keepingNewerStats(newer, shown), newer);
  assert.equal(keepingNewerStats(stale, undefined), stale, "not shown yet");
});
