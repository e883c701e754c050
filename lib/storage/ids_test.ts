import assert from "node:assert/strict";
import { decodeTime } from "ulid";
import { isId, newId } from "./ids.ts";

Deno.test("ids - ULIDs of the time given, in order, never repeating", () => {
  const at = Date.UTC(2026, 11, 7, 12);
  const ids = Array.from({ length: 10_000 }, (_, i) => newId(at + Math.floor(i / 100)));
  assert.ok(ids.every(isId));
  assert.equal(decodeTime(ids[0]), at);
  assert.equal(decodeTime(ids.at(-1)!), at + 99);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(ids.toSorted(), ids);
});

Deno.test("ids - each new millisecond gets a fresh random part, across refills of the random pool", () => {
  const base = Date.UTC(2027, 0, 1);
  // 16 random characters per new millisecond: 1,000 of them draw 16,000 bytes, several pools' worth.
  const randoms = Array.from({ length: 1_000 }, (_, i) => newId(base + i).slice(10));
  assert.equal(new Set(randoms).size, randoms.length);
  // Every character of the alphabet turns up in every position: the bytes are not stuck or repeating.
  for (let position = 0; position < 16; position++) {
    assert.equal(new Set(randoms.map((r) => r[position])).size, 32, `position ${position}`);
  }
});
