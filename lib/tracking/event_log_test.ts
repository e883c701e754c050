import assert from "node:assert/strict";
import { newId } from "../storage/ids.ts";
import {
  addEvents,
  approxBytes,
  eventEntries,
  isEventCursor,
  readEntries,
  readEventPage,
  readEvents,
  rewriteEntry,
} from "./event_log.ts";
import { trackingKeys } from "./keys.ts";
import { deleteOldEvents } from "../../workers/retention.ts";
import type { EngagementEvent } from "./types.ts";

const TEAM = newId(0), MESSAGE = newId(0);

function event(at: number, userAgent = "Mozilla/5.0"): EngagementEvent {
  return {
    id: newId(at),
    teamId: TEAM,
    messageId: MESSAGE,
    type: "open",
    at,
    recipient: 0,
    index: null,
    url: null,
    method: "GET",
    userAgent,
    clientAddress: "203.0.113.0",
    headers: { accept: "image/*" },
    sinceSendMs: at,
    prefetch: false,
  };
}

async function write(kv: Deno.Kv, events: EngagementEvent[]) {
  const op = kv.atomic();
  addEvents(op, events);
  assert.ok((await op.commit()).ok);
}

const entryCount = async (kv: Deno.Kv) =>
  (await Array.fromAsync(kv.list({ prefix: trackingKeys.event(TEAM, MESSAGE) }))).length;

Deno.test("event log - a batch is one entry; read back in order, either way, with a limit", async () => {
  using kv = await Deno.openKv(":memory:");
  const first = Array.from({ length: 60 }, (_, i) => event(1_000 + i));
  const second = Array.from({ length: 5 }, (_, i) => event(5_000 + i));
  await write(kv, first);
  await write(kv, second);
  assert.equal(await entryCount(kv), 2);
  const all = [...first, ...second].map((e) => e.id);
  assert.deepEqual((await readEvents(kv, TEAM, MESSAGE)).map((e) => e.id), all);
  assert.deepEqual(
    (await readEvents(kv, TEAM, MESSAGE, { reverse: true })).map((e) => e.id),
    all.toReversed(),
  );
  assert.deepEqual(
    (await readEvents(kv, TEAM, MESSAGE, { reverse: true, limit: 7 })).map((e) => e.id),
    all.toReversed().slice(0, 7),
  );
});

Deno.test("event log - large events are split over entries that each stay under KV's 64 KiB", async () => {
  using kv = await Deno.openKv(":memory:");
  const events = Array.from({ length: 60 }, (_, i) => event(i, `Agent ${"é".repeat(480)}`));
  assert.ok(approxBytes(events[0]) > 1_000);
  await write(kv, events); // KV rejects a value over 64 KiB: the commit would throw
  assert.ok(await entryCount(kv) > 1);
  assert.deepEqual((await readEvents(kv, TEAM, MESSAGE)).map((e) => e.id), events.map((e) => e.id));
});

Deno.test("event log - every kind of event reads back exactly as written, stored without repeating names or ids", async () => {
  using kv = await Deno.openKv(":memory:");
  const open: EngagementEvent = {
    ...event(1),
    headers: { accept: "image/*", "sec-fetch-dest": "image" },
    verdict: {
      verdict: "machine",
      kind: "privacy_proxy",
      viaProxy: "apple",
      rulesVersion: 1,
      reasons: [
        { rule: "apple_proxy", text: "Fetched by Apple's Mail Privacy Protection", weight: "strong" },
        { rule: "early_open", text: "Opened 0 s after sending", weight: "weak" },
      ],
    },
  };
  const click: EngagementEvent = {
    ...event(2),
    type: "click",
    index: 1,
    url: "https://example.com/é?q=1",
    prefetch: true,
    recipient: null,
    verdict: { verdict: "unknown", kind: null, viaProxy: null, rulesVersion: 1, reasons: [] },
  };
  const reply: EngagementEvent = {
    ...event(3),
    type: "reply",
    headers: {},
    reply: {
      from: "ken@globex.example",
      fromName: "Ken",
      subject: "Re: Q3",
      text: "Sounds good",
      autoReply: null,
      fromRecipient: true,
      inboundId: newId(3),
    },
  };
  const delivery: EngagementEvent = {
    ...event(4),
    type: "delivery",
    delivery: { kind: "bounced", reason: "mailbox full", recipient: "ken@globex.example" },
  };
  const events = [open, click, reply, delivery];
  await write(kv, events);
  assert.deepEqual(await readEvents(kv, TEAM, MESSAGE), events);
  assert.deepEqual(await readEntries(kv, TEAM, MESSAGE, [open.id]), events);
  const [stored] = await Array.fromAsync(kv.list<Uint8Array>({ prefix: trackingKeys.event(TEAM, MESSAGE) }));
  assert.ok(stored.value instanceof Uint8Array, "stored as bytes, which KV keeps without V8's serializer");
  const text = new TextDecoder().decode(stored.value);
  assert.ok(!text.includes(TEAM) && !text.includes(MESSAGE), "the key holds the team and message ids");
  assert.ok(
    !text.includes('"userAgent"') && !text.includes('"reasons"'),
    "field names are not stored per event",
  );
  assert.ok(text.length < JSON.stringify({ events }).length * 0.75, `${text.length} bytes`);
});

Deno.test("event log - entries of earlier versions are read too; rewriting to nothing deletes", async () => {
  using kv = await Deno.openKv(":memory:");
  const bare = event(1);
  await kv.set(trackingKeys.event(TEAM, MESSAGE, bare.id), bare);
  const grouped = [event(2), event(3)];
  await kv.set(trackingKeys.event(TEAM, MESSAGE, grouped[0].id), { events: grouped });
  // Rows V8-serialized as { rows }, as entries were written before rows became JSON bytes.
  const rowsEntry = [event(4), event(5)];
  await write(kv, rowsEntry);
  const written = await kv.get<Uint8Array>(trackingKeys.event(TEAM, MESSAGE, rowsEntry[0].id));
  await kv.set(written.key, { rows: JSON.parse(new TextDecoder().decode(written.value!)) });
  await write(kv, [event(6)]);
  const read = await readEvents(kv, TEAM, MESSAGE);
  assert.deepEqual(read.slice(0, 5), [bare, ...grouped, ...rowsEntry]);
  assert.deepEqual(read.map((e) => e.at), [1, 2, 3, 4, 5, 6]);
  const entries = await Array.fromAsync(eventEntries(kv, trackingKeys.event(TEAM, MESSAGE)));
  const op = kv.atomic();
  rewriteEntry(op, entries[0], []);
  rewriteEntry(op, entries[1], entries[1].events.filter((e) => e.at !== 2));
  await op.commit();
  assert.deepEqual((await readEvents(kv, TEAM, MESSAGE)).map((e) => e.at), [3, 4, 5, 6]);
  assert.equal(await entryCount(kv), 3);
});

Deno.test("event log - retention removes the old events of an entry and keeps the rest", async () => {
  using kv = await Deno.openKv(":memory:");
  await write(kv, [event(10), event(20)]);
  await write(kv, [event(30), event(40)]);
  assert.equal(await deleteOldEvents(kv, TEAM, 35), 3);
  assert.deepEqual((await readEvents(kv, TEAM, MESSAGE)).map((e) => e.at), [40]);
  assert.equal(await entryCount(kv), 1);
});

Deno.test("event log - pages newest first give every event once, across entries and inside them", async () => {
  using kv = await Deno.openKv(":memory:");
  // Three commits of 7, 1 and 5 events.
  const all = Array.from({ length: 13 }, (_, i) => event(5_000 + i));
  await write(kv, all.slice(0, 7));
  await write(kv, all.slice(7, 8));
  await write(kv, all.slice(8));
  const newestFirst = all.map((e) => e.id).toReversed();
  for (const limit of [1, 4, 5, 6, 13, 20]) {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0;; pages++) {
      assert.ok(pages < 20, "pages end");
      const page = await readEventPage(kv, TEAM, MESSAGE, { limit, cursor });
      assert.ok(page.events.length <= limit);
      seen.push(...page.events.map((e) => e.id));
      if (!page.cursor) break;
      assert.ok(isEventCursor(page.cursor), page.cursor);
      cursor = page.cursor;
    }
    assert.deepEqual(seen, newestFirst, `limit ${limit}`);
  }
  assert.deepEqual(await readEventPage(kv, TEAM, newId(0), { limit: 5 }), { events: [], cursor: null });
  assert.equal(isEventCursor("not a cursor"), false);
});
