import assert from "node:assert/strict";
import { newestIdsAcross } from "./merge_indexes.ts";

Deno.test("merge indexes - newest ids across indexes, each once, up to the limit", async () => {
  await using kv = await Deno.openKv(":memory:");
  const index: Record<string, string[]> = {
    a: ["01A", "01C", "01F"],
    b: ["01B", "01C", "01D"],
    c: [],
    d: ["01E", "01F", "01G"],
  };
  for (const [name, ids] of Object.entries(index)) {
    for (const id of ids) await kv.set(["idx", name, id], id);
  }
  const prefixes = Object.keys(index).map((name) => ["idx", name]);
  assert.deepEqual(await newestIdsAcross(kv, prefixes, 100), [
    "01G",
    "01F",
    "01E",
    "01D",
    "01C",
    "01B",
    "01A",
  ]);
  assert.deepEqual(await newestIdsAcross(kv, prefixes, 3), ["01G", "01F", "01E"]);
  assert.deepEqual(await newestIdsAcross(kv, [], 3), []);
  // The next page: older than the last id of the one before, in every index.
  assert.deepEqual(await newestIdsAcross(kv, prefixes, 3, "01E"), ["01D", "01C", "01B"]);
  assert.deepEqual(await newestIdsAcross(kv, prefixes, 3, "01B"), ["01A"]);
  assert.deepEqual(await newestIdsAcross(kv, [["idx", "a"]], 2, "01F"), ["01C", "01A"], "one index alone");
});

Deno.test("merge indexes - ordered by their keys, which need not be the ids they hold", async () => {
  await using kv = await Deno.openKv(":memory:");
  // A message keyed by when it was sent: "01A" (an old draft) went out last.
  await kv.set(["idx", "a", "01X"], "01A");
  await kv.set(["idx", "a", "01B"], "01B");
  await kv.set(["idx", "b", "01C"], "01C");
  await kv.set(["idx", "b", "01X"], "01A");
  const prefixes = [["idx", "a"], ["idx", "b"]];
  assert.deepEqual(await newestIdsAcross(kv, prefixes, 10), ["01A", "01C", "01B"]);
  assert.deepEqual(await newestIdsAcross(kv, prefixes, 10, "01X"), ["01C", "01B"], "the next page, by key");
});
