import assert from "node:assert/strict";
import { GroupCommit } from "./group_commit.ts";

Deno.test("group commit - a burst of writes takes a few commits, each write stored once", async () => {
  using kv = await Deno.openKv(":memory:");
  const group = new GroupCommit(kv);
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => group.commit(`w${i}`, (op) => op.set(["n", i], i))),
  );
  assert.ok(results.every(Boolean));
  assert.equal((await Array.fromAsync(kv.list({ prefix: ["n"] }))).length, 100);
  assert.equal(group.counts.writes, 100);
  assert.ok(group.counts.commits <= 7, `${group.counts.commits} commits for 100 writes`);
});

Deno.test("group commit - a write whose check fails is refused alone; the others land", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set(["taken"], 1);
  const group = new GroupCommit(kv);
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    group.commit(`w${i}`, (op) => {
      if (i === 4) op.check({ key: ["taken"], versionstamp: null });
      op.set(["n", i], i);
    })));
  assert.deepEqual(results, results.map((_, i) => i !== 4));
  assert.equal((await kv.get(["n", 4])).versionstamp, null, "the refused write left nothing");
  assert.equal((await Array.fromAsync(kv.list({ prefix: ["n"] }))).length, 9);
});

Deno.test("group commit - writes of the same scope never share a commit, so a checked update is not lost", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set(["counter"], 0);
  const group = new GroupCommit(kv);
  const increment = async () => {
    for (;;) {
      const entry = await kv.get<number>(["counter"]);
      if (await group.commit("counter", (op) => op.check(entry).set(["counter"], entry.value! + 1))) return;
    }
  };
  await Promise.all(Array.from({ length: 20 }, increment));
  assert.equal((await kv.get(["counter"])).value, 20);
});

Deno.test("group commit - writes too large together are committed one by one", async () => {
  using kv = await Deno.openKv(":memory:");
  const group = new GroupCommit(kv);
  const big = "x".repeat(60_000); // 20 of these exceed one operation's size limit; each alone fits
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => group.commit(`w${i}`, (op) => op.set(["big", i], big))),
  );
  assert.ok(results.every(Boolean));
  assert.equal((await Array.fromAsync(kv.list({ prefix: ["big"] }))).length, 20);
});
