import assert from "node:assert/strict";
import { inPlaceOf, returnFocus } from "./return_focus.ts";

/** A stand-in element: on the page or not, noting when it gets the focus; `button` is what it holds. */
interface FakeElement {
  name: string;
  isConnected: boolean;
  focused: number;
  focus(): void;
  querySelector(): FakeElement | null;
}
function el(name: string, { connected = true, button = null as FakeElement | null } = {}): FakeElement {
  const e: FakeElement = {
    name,
    isConnected: connected,
    focused: 0,
    focus() {
      e.focused++;
    },
    querySelector: () => button,
  };
  return e;
}
const as = <T>(e: unknown) => e as T;

Deno.test("return focus - a lost focus goes back to the control that opened the closed thing", () => {
  const body = el("body"), opener = el("Edit"), fallback = el("Add alarm");
  returnFocus(as({ activeElement: body, body }), as(opener), () => as(fallback));
  assert.equal(opener.focused, 1);
  assert.equal(fallback.focused, 0);
});

Deno.test("return focus - to the fallback when the opener is gone, or was <body>, or none was noted", () => {
  const body = el("body"), fallback = el("Add alarm");
  returnFocus(as({ activeElement: body, body }), as(el("Remove", { connected: false })), () => as(fallback));
  returnFocus(as({ activeElement: null, body }), as(body), () => as(fallback));
  returnFocus(as({ activeElement: body, body }), null, () => as(fallback));
  assert.equal(fallback.focused, 3);
  assert.equal(body.focused, 0);
  // No fallback either: nothing to do.
  returnFocus(as({ activeElement: body, body }), null, () => null);
});

Deno.test("return focus - a focus the seller has put somewhere else stays there", () => {
  const body = el("body"), opener = el("Plan a call"), fallback = el("card"), elsewhere = el("search");
  returnFocus(as({ activeElement: elsewhere, body }), as(opener), () => as(fallback));
  assert.equal(opener.focused + fallback.focused, 0);
});

Deno.test("return focus - the item in a removed one's place is the one now at its index, else the last", () => {
  const first = el("Pilot"), second = el("Pricing");
  const items = as<Element[]>([el("row 1", { button: first }), el("row 2", { button: second })]);
  assert.equal(inPlaceOf(items, 0), first);
  assert.equal(inPlaceOf(items, 1), second);
  assert.equal(inPlaceOf(items, 2), second, "the removed item was last: the one before it");
  assert.equal(inPlaceOf([], 0), null, "none left");
});
