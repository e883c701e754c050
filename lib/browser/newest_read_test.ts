import assert from "node:assert/strict";
import { newestRead } from "./newest_read.ts";

Deno.test("newestRead - an overtaken read answers with the newer read's result", async () => {
  const first = Promise.withResolvers<string>();
  const second = Promise.withResolvers<string>();
  const a = newestRead("m1", () => first.promise);
  const b = newestRead("m1", () => second.promise);
  second.resolve("sent");
  assert.equal(await b, "sent");
  first.resolve("sending"); // the older state comes back last
  assert.equal(await a, "sent");
});

Deno.test("newestRead - different keys, and reads one after another, keep their own answers", async () => {
  assert.deepEqual(
    await Promise.all([newestRead("a", () => Promise.resolve(1)), newestRead("b", () => Promise.resolve(2))]),
    [1, 2],
  );
  assert.equal(await newestRead("a", () => Promise.resolve(3)), 3);
});
