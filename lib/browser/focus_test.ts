import assert from "node:assert/strict";
import { installPage, locks, page } from "../../tests/helpers/live_page.ts";
import { FOCUSED_LOCK, holdWhileFocused, seenInBeacon } from "./focus.ts";

installPage();

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};
const holds = () => locks.shared.get(FOCUSED_LOCK) ?? 0;
/** The tab's focus moves (the browser fires focus or blur on the window). */
const focus = (focused: boolean) => {
  page.focused = focused;
  globalThis.dispatchEvent(new Event(focused ? "focus" : "blur"));
};

Deno.test("focus - a tab holds the focused lock while it has focus, so other tabs know the seller is in Beacon", async () => {
  holdWhileFocused();
  await settle();
  assert.equal(holds(), 1, "focused when it loaded");
  assert.equal(await seenInBeacon(), true);

  focus(false);
  await settle();
  assert.equal(holds(), 0, "let go on blur");
  assert.equal(await seenInBeacon(), false, "no Beacon tab has focus");

  // Another Beacon tab of this browser has focus.
  const otherTab = Promise.withResolvers<void>();
  locks.request(FOCUSED_LOCK, { mode: "shared" }, () => otherTab.promise);
  await settle();
  assert.equal(await seenInBeacon(), true, "the seller is in another Beacon tab");
  otherTab.resolve();
  await settle();
  assert.equal(await seenInBeacon(), false);

  // Focus comes and goes again before the browser grants the lock: it is not kept.
  focus(true);
  focus(false);
  await settle();
  assert.equal(holds(), 0, "blurred while asking: let go at once");
  focus(true);
  await settle();
  assert.equal(holds(), 1, "a later focus asks again");

  // Into the back/forward cache and out of it.
  globalThis.dispatchEvent(new Event("pagehide"));
  await settle();
  assert.equal(holds(), 0, "a page in the cache holds nothing");
  globalThis.dispatchEvent(new Event("pageshow"));
  await settle();
  assert.equal(holds(), 1);
  focus(false);
  await settle();
});
