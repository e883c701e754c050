/// <reference lib="dom" />
/**
 * Keyboard focus across an island's re-render. When the control that has the focus goes — a form closes, a row
 * is removed, a button is replaced by a confirmation — the browser drops the focus to <body>, and the next Tab
 * starts again from the top of the page. An island that does this says where the focus goes instead:
 *
 * ```ts
 * const focus = useReturnFocus();
 * const open = () => { focus.remember(); setOpen(true); };                  // "Edit", "Plan a call"…
 * const close = () => { setOpen(false); focus.restore(() => addRef.current); };
 * ```
 *
 * As the render that follows `restore` is committed (not after paint: a key pressed meanwhile would be lost),
 * the focus goes back to the remembered control if it is still on the page, else to the fallback, looked up
 * then, so it can be something that render made. Only if the focus was lost: a seller who has put it somewhere
 * else meanwhile keeps it there. A control that only needs to be busy for a moment should not go at all: it
 * says so with `aria-disabled` and ignores presses, as `disabled` would drop its focus too.
 */
import { useLayoutEffect, useRef, useState } from "preact/hooks";

/** Where the focus goes when the remembered control is gone, looked up after the render. */
export type FocusFallback = () => HTMLElement | null | undefined;

export interface ReturnFocus {
  /** Notes the control that has the focus now (the one opening something): `restore` brings it back there. */
  remember(): void;
  /** After the next render, the focus goes to the remembered control, or to `fallback`, if it was lost. */
  restore(fallback?: FocusFallback): void;
}

export function useReturnFocus(): ReturnFocus {
  const opener = useRef<HTMLElement | null>(null);
  const pending = useRef<FocusFallback | null>(null);
  const [asked, setAsked] = useState(0);
  useLayoutEffect(() => {
    const fallback = pending.current;
    if (!fallback) return;
    pending.current = null;
    returnFocus(document, opener.current, fallback);
    opener.current = null;
  }, [asked]);
  return useRef<ReturnFocus>({
    remember() {
      opener.current = document.activeElement as HTMLElement | null;
    },
    restore(fallback = () => null) {
      pending.current = fallback;
      setAsked((n) => n + 1);
    },
  }).current;
}

/** Moves a lost focus (on <body>, or nowhere) to `opener` if it is still on the page, else to `fallback()`. */
export function returnFocus(
  doc: { activeElement: Element | null; body: HTMLElement | null },
  opener: HTMLElement | null,
  fallback: FocusFallback,
): void {
  if (doc.activeElement && doc.activeElement !== doc.body) return;
  const target = opener?.isConnected && opener !== doc.body ? opener : fallback();
  target?.focus();
}

/**
 * What took a removed item's place in a list: the first link or button of the item now at `index` among
 * `items`, or of the last one when the removed item was last; null when none is left.
 */
export function inPlaceOf(items: ArrayLike<Element>, index: number): HTMLElement | null {
  const item = items[Math.min(index, items.length - 1)];
  return item?.querySelector<HTMLElement>("a[href], button") ?? null;
}
