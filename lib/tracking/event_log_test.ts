import assert from "node:assert/strict";
import { newId } from "../storage/ids.ts";
import { addEvents, approxBytes, eventEntries, readEvents, rewriteEntry } from "./event_log.ts";
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

Deno.test("event log - entries written one event per key are read too; rewriting to nothing deletes", async () => {
  using kv = await Deno.openKv(":memory:");
  const bare = event(1);
  await kv.set(trackingKeys.event(TEAM, MESSAGE, bare.id), bare);
  await write(kv, [event(2), event(3)]);
  assert.deepEqual((await readEvents(kv, TEAM, MESSAGE)).map((e) => e.at), [1, 2, 3]);
  const entries = await Array.fromAsync(eventEntries(kv, trackingKeys.event(TEAM, MESSAGE)));
  const op = kv.atomic();
  rewriteEntry(op, entries[0], []);
  rewriteEntry(op, entries[1], entries[1].events.filter((e) => e.at !== 2));
  await op.commit();
  assert.deepEqual((await readEvents(kv, TEAM, MESSAGE)).map((e) => e.at), [3]);
  assert.equal(await entryCount(kv), 1);
});

Deno.test("event log - retention removes the old events of an entry and keeps the rest", async () => {
  using kv = await Deno.openKv(":memory:");
  await write(kv, [event(10), event(20)]);
  await write(kv, [event(30), event(40)]);
  assert.equal(await deleteOldEvents(kv, TEAM, 35), 3);
  assert.deepEqual((await readEvents(kv, TEAM, MESSAGE)).map((e) => e.at), [40]);
  assert.equal(await entryCount(kv), 1);
});
