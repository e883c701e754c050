import assert from "node:assert/strict";
import { backoffMs } from "./backoff.ts";

const limits = { baseMs: 1_000, maxMs: 30_000 };

Deno.test("backoff - doubles per attempt up to the cap, spread over the upper half", () => {
  assert.deepEqual([0, 1, 2, 5, 6, 20].map((n) => backoffMs(n, limits, () => 1)), [
    1_000,
    2_000,
    4_000,
    30_000,
    30_000,
    30_000,
  ]);
  assert.deepEqual([0, 1, 5].map((n) => backoffMs(n, limits, () => 0)), [500, 1_000, 15_000]);
});

Deno.test("backoff - waiters that failed together come back at different times", () => {
  const waits = new Set(Array.from({ length: 50 }, () => backoffMs(3, limits)));
  assert.ok(waits.size > 40, `${waits.size} distinct waits of 50`);
  for (const wait of waits) assert.ok(wait >= 4_000 && wait <= 8_000, `${wait} within 4–8 s`);
});
