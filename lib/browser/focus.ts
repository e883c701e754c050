/// <reference lib="dom" />
/**
 * Whether the seller is looking at Beacon, in this tab or in another of the same browser. A tab with focus
 * holds the shared Web Lock FOCUSED_LOCK; any tab can ask whether one is held. Alerts use it to raise a
 * system notification only when the seller is elsewhere: in another app, or in another tab that isn't
 * Beacon's. A lock is let go with its tab (closed, crashed, or put in the back/forward cache), so it never
 * outlives the focus it stands for. Without Web Locks (an insecure context), only this tab's focus is known.
 */
export const FOCUSED_LOCK = "beacon-focused";

const locks = () => globalThis.navigator?.locks;

/** Holds FOCUSED_LOCK while this tab has focus. Call once per page. */
export function holdWhileFocused(): void {
  const manager = locks();
  if (!manager) return;
  let wanted = false, asking = false;
  let release: (() => void) | null = null;
  const update = (focused = document.hasFocus()) => {
    wanted = focused;
    if (!wanted) {
      release?.();
      release = null;
    } else if (!release && !asking) {
      asking = true;
      manager.request(FOCUSED_LOCK, { mode: "shared" }, () => {
        asking = false;
        // Blurred while asking: let it go at once (a later focus asks again).
        if (!wanted) return;
        return new Promise<void>((resolve) => release = resolve);
      }).catch((error) => console.error("focus: lock failed", error));
    }
  };
  globalThis.addEventListener("focus", () => update());
  globalThis.addEventListener("blur", () => update());
  globalThis.addEventListener("pagehide", () => update(false));
  globalThis.addEventListener("pageshow", () => update());
  update();
}

/** Whether this tab, or another Beacon tab of this browser, has focus. */
export async function seenInBeacon(): Promise<boolean> {
  if (document.hasFocus()) return true;
  const manager = locks();
  if (!manager) return false;
  const { held = [] } = await manager.query();
  return held.some((lock) => lock.name === FOCUSED_LOCK);
}
