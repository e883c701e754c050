import assert from "node:assert/strict";
import { BoundedMap, remembered } from "./bounded_map.ts";

Deno.test("bounded map - a full map drops the key set longest ago; setting a key again renews it", () => {
  const map = new BoundedMap<string, number>(2);
  map.set("a", 1).set("b", 2);
  map.set("a", 3);
  assert.deepEqual([...map], [["b", 2], ["a", 3]], "nothing dropped, a renewed");
  map.set("c", 4);
  assert.deepEqual([...map], [["a", 3], ["c", 4]]);
});

Deno.test("remembered - works out each input once, for the last `limit` inputs", () => {
  const asked: string[] = [];
  const length = remembered((s: string) => (asked.push(s), s.length), 2);
  assert.deepEqual([length("ab"), length("ab"), length("c"), length("xyz"), length("ab")], [2, 2, 1, 3, 2]);
  assert.deepEqual(asked, ["ab", "c", "xyz", "ab"], "ab was dropped for xyz, then worked out again");
});
