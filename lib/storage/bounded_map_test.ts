import assert from "node:assert/strict";
import { BoundedMap } from "./bounded_map.ts";

Deno.test("bounded map - a full map drops the key set longest ago; setting a key again renews it", () => {
  const map = new BoundedMap<string, number>(2);
  map.set("a", 1).set("b", 2);
  map.set("a", 3);
  assert.deepEqual([...map], [["b", 2], ["a", 3]], "nothing dropped, a renewed");
  map.set("c", 4);
  assert.deepEqual([...map], [["a", 3], ["c", 4]]);
});
