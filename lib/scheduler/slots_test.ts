import assert from "node:assert/strict";
import { Slots } from "./slots.ts";

/** A task that records how many run at once and finishes when told. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

Deno.test("slots - never more tasks at once than slots, started in the order asked", async () => {
  const slots = new Slots(2);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const gates = Array.from({ length: 5 }, gate);
  const done = gates.map((g, i) =>
    slots.hold(async () => {
      started.push(i);
      most = Math.max(most, ++running);
      await g.opened;
      running--;
      return i;
    })
  );
  await Promise.resolve();
  assert.deepEqual(started, [0, 1]);
  gates[1].open();
  await done[1];
  await Promise.resolve();
  assert.deepEqual(started, [0, 1, 2]);
  for (const g of gates) g.open();
  assert.deepEqual(await Promise.all(done), [0, 1, 2, 3, 4]);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(most, 2);
});

Deno.test("slots - a failing task frees its slot and its caller gets the error", async () => {
  const slots = new Slots(1);
  await assert.rejects(slots.hold(() => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await slots.hold(() => Promise.resolve("next")), "next");
  assert.throws(() => new Slots(0), /at least 1/);
});

Deno.test("slots - a task waiting outside its slot lets another in, then queues for one again", async () => {
  const slots = new Slots(1);
  const order: string[] = [];
  const timer = gate();
  const first = slots.hold(async () => {
    order.push("first prepares");
    await slots.waitOutside(() => timer.opened);
    order.push("first sends");
  });
  const second = slots.hold(() => {
    order.push("second runs");
    return Promise.resolve();
  });
  await second;
  assert.deepEqual(order, ["first prepares", "second runs"]);
  timer.open();
  await first;
  assert.deepEqual(order, ["first prepares", "second runs", "first sends"]);
});
