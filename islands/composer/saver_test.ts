import assert from "node:assert/strict";
import { ApiError } from "../../lib/browser/api.ts";
import { DraftSaver, type FailureAction, type SaveStatus } from "./saver.ts";

/** Timers the test fires by hand. */
function fakeTimers() {
  let next = 1;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  return {
    setTimer: (fn: () => void, ms: number) => {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimer: (id: number) => void pending.delete(id),
    delays: () => [...pending.values()].map((t) => t.ms),
    fire() {
      const all = [...pending.values()];
      pending.clear();
      for (const t of all) t.fn();
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(fail: (call: number) => ApiError | null = () => null) {
  const timers = fakeTimers();
  let state = "a";
  const calls: { id: string | null; payload: string; keepalive?: true }[] = [];
  const statuses: SaveStatus[] = [];
  const release: (() => void)[] = [];
  let hold = false;
  const saver = new DraftSaver<string, { id: string; updatedAt: number }>({
    id: null,
    snapshot: () => state,
    request: async (id, payload, { keepalive }) => {
      calls.push({ id, payload, ...(keepalive ? { keepalive } : {}) });
      if (hold) await new Promise<void>((resolve) => release.push(resolve));
      const error = fail(calls.length);
      if (error) throw error;
      return { id: "d1", updatedAt: calls.length };
    },
    onStatus: (s) => statuses.push(s),
    onSaved: () => {},
    onFailure: (error) => ({
      action: ((error as ApiError).status === 0 ? "retry_later" : "stop") as FailureAction,
      message: (error as Error).message,
    }),
    savedAt: (r) => r.updatedAt,
    ...timers,
  });
  return {
    saver,
    timers,
    calls,
    statuses,
    set: (s: string) => state = s,
    hold: (on: boolean) => hold = on,
    release: () => release.splice(0).forEach((r) => r()),
  };
}

Deno.test("saver - changes are saved once typing pauses, creating the draft then updating it", async () => {
  const t = setup();
  t.saver.change();
  t.set("ab");
  t.saver.change();
  assert.equal(t.calls.length, 0);
  assert.deepEqual(t.timers.delays(), [800]);
  t.timers.fire();
  await tick();
  assert.deepEqual(t.calls, [{ id: null, payload: "ab" }]);
  assert.equal(t.saver.id, "d1");
  t.set("abc");
  t.saver.change();
  t.timers.fire();
  await tick();
  assert.deepEqual(t.calls[1], { id: "d1", payload: "abc" });
  assert.deepEqual(t.statuses.at(-1), { kind: "saved", at: 2 });
  assert.equal(t.saver.unsaved, false);
});

Deno.test("saver - never two requests at once: changes during a save go out after it, latest state only", async () => {
  const t = setup();
  t.hold(true);
  t.saver.change();
  t.timers.fire();
  await tick();
  assert.equal(t.calls.length, 1);
  t.set("b");
  t.saver.change();
  t.set("c");
  t.saver.change();
  t.timers.fire(); // the pause ends while the first save is still out
  await tick();
  assert.equal(t.calls.length, 1);
  t.hold(false);
  t.release();
  await t.saver.settle();
  assert.deepEqual(t.calls.map((c) => c.payload), ["a", "c"]);
  assert.deepEqual(t.calls.map((c) => c.id), [null, "d1"]);
});

Deno.test("saver - network errors are retried with backoff; the status says so", async () => {
  const t = setup((call) => call <= 2 ? new ApiError(0, "network", "Can't reach Beacon.") : null);
  t.saver.change();
  t.timers.fire();
  await tick();
  assert.deepEqual(t.statuses.at(-1), { kind: "error", message: "Can't reach Beacon.", retrying: true });
  assert.deepEqual(t.timers.delays(), [1000]);
  assert.equal(t.saver.unsaved, true);
  t.timers.fire();
  await tick();
  assert.deepEqual(t.timers.delays(), [2000]);
  t.timers.fire();
  await tick();
  assert.equal(t.calls.length, 3);
  assert.equal(t.statuses.at(-1)?.kind, "saved");
  assert.equal(t.saver.unsaved, false);
});

Deno.test("saver - flush saves what is pending (creating the draft if needed) and reports failures", async () => {
  const t = setup((call) => call === 2 ? new ApiError(409, "conflict", "Changed in another window.") : null);
  assert.equal(await t.saver.flush(), "d1");
  t.set("b");
  t.saver.change();
  await assert.rejects(t.saver.flush(), /Changed in another window/);
  assert.deepEqual(t.statuses.at(-1), {
    kind: "error",
    message: "Changed in another window.",
    retrying: false,
  });
  assert.equal(await t.saver.flush(), "d1", "a later flush tries again");
  assert.deepEqual(t.calls.map((c) => c.payload), ["a", "b", "b"]);
});

Deno.test("saver - leaving the page saves what is pending at once, with keepalive, and only once", async () => {
  const t = setup();
  t.saver.leave();
  assert.equal(t.calls.length, 0, "nothing pending, nothing sent");
  t.saver.change();
  await t.saver.flush();
  t.set("typed just before the reload");
  t.saver.change();
  t.saver.leave(); // pagehide
  t.saver.leave(); // visibilitychange, right after
  assert.deepEqual(t.timers.delays(), [], "the pause is over: no second save after it");
  await t.saver.settle();
  assert.deepEqual(t.calls.slice(1), [{
    id: "d1",
    payload: "typed just before the reload",
    keepalive: true,
  }]);
  t.set("back in the tab");
  t.saver.change();
  t.timers.fire();
  await t.saver.settle();
  assert.deepEqual(t.calls.at(-1), { id: "d1", payload: "back in the tab" }, "later saves are plain again");
});

Deno.test("saver - leaving while a save is out lets it finish alone: never two requests at once", async () => {
  const t = setup();
  t.hold(true);
  t.saver.change();
  t.timers.fire();
  await tick();
  t.set("b");
  t.saver.change();
  t.saver.leave();
  assert.equal(t.calls.length, 1, "the draft is being created: a second POST would create another");
  t.hold(false);
  t.release();
  await t.saver.settle();
  assert.deepEqual(t.calls.map((c) => c.payload), ["a", "b"]);
});

Deno.test("saver - a draft made by a save in flight when saving stops is still known, so a discard can delete it", async () => {
  const { saver, timers, calls, hold, release } = setup();
  hold(true);
  saver.change();
  timers.fire(); // the first save, which makes the draft, is on its way
  await tick();
  assert.equal(calls.length, 1);
  saver.stop(); // Discard pressed meanwhile
  const settled = saver.settle();
  release();
  await settled;
  assert.equal(saver.id, "d1", "the draft it made, for the discard to delete");
});
