import assert from "node:assert/strict";
import { LocalHub } from "./local_hub.ts";
import { liveEvent } from "./feed.ts";

Deno.test("local hub - closing ends every subscription, and any made after it, through their onEnd", async () => {
  const hub = new LocalHub();
  const got: string[] = [], ended: string[] = [];
  hub.subscribe("T1", (e) => got.push(`a:${e.type}`), () => ended.push("a"));
  hub.subscribe("T1", (e) => got.push(`b:${e.type}`), () => ended.push("b"));
  hub.subscribe("T2", (e) => got.push(`c:${e.type}`));
  await hub.publish(liveEvent("T1", "before", {}, Date.now()));
  hub.close();
  assert.deepEqual(ended, ["a", "b"], "the ones that asked are told; one without onEnd is just dropped");
  assert.equal(hub.listenerCount("T1"), 0);
  assert.equal(hub.listenerCount("T2"), 0);
  await hub.publish(liveEvent("T1", "after", {}, Date.now()));
  assert.deepEqual(got, ["a:before", "b:before"]);

  const unsubscribe = hub.subscribe("T1", (e) => got.push(`late:${e.type}`), () => ended.push("late"));
  await Promise.resolve();
  assert.deepEqual(ended, ["a", "b", "late"], "a subscription after closing ends at once");
  assert.equal(hub.listenerCount("T1"), 0);
  unsubscribe();
});
