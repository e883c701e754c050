import { useEffect, useRef, useState } from "preact/hooks";
import { TOAST_EVENT, type ToastMessage } from "../lib/browser/toast.ts";

interface Shown extends ToastMessage {
  id: number;
  /** Time left on screen; errors have none and stay until dismissed. */
  leftMs: number | null;
}

/** How long a toast is seen before it goes: counted only while the page is shown and the toasts aren't held. */
export const TOAST_LIFETIME_MS = 6000;
const TICK_MS = 250;
let nextId = 1;

const lifetime = (kind: ToastMessage["kind"]) => kind === "error" ? null : TOAST_LIFETIME_MS;
const shown = (toast: ToastMessage): Shown => ({ ...toast, id: nextId++, leftMs: lifetime(toast.kind) });

/**
 * Adds a toast. The same words already shown (a retry that failed alike) aren't repeated: that toast's time
 * starts again. A toast with the tag of one shown takes its place (news about the same email).
 */
function add(all: Shown[], toast: ToastMessage): Shown[] {
  const same = all.find((t) => t.kind === toast.kind && t.text === toast.text);
  if (same) return all.map((t) => t === same ? { ...t, leftMs: lifetime(t.kind) } : t);
  const others = toast.tag ? all.filter((t) => t.tag !== toast.tag) : all;
  return [...others.slice(-3), shown(toast)];
}

/**
 * Toasts: the page's flash message and anything islands raise; polite to screen readers. A toast's time
 * runs only while it can be read: not while the tab is hidden (an alert that came meanwhile waits for the
 * seller), nor while the pointer or keyboard focus is on the toasts. Errors stay until dismissed.
 */
export default function Toaster({ initial }: { initial: ToastMessage | null }) {
  const [toasts, setToasts] = useState<Shown[]>(initial ? [shown(initial)] : []);
  const box = useRef<HTMLDivElement>(null);
  const dismiss = (id: number) => setToasts((all) => all.filter((t) => t.id !== id));

  useEffect(() => {
    const onToast = (event: Event) =>
      setToasts((all) => add(all, (event as CustomEvent<ToastMessage>).detail));
    globalThis.addEventListener(TOAST_EVENT, onToast);
    const tick = setInterval(() => {
      const held = box.current &&
        (box.current.matches(":hover") || box.current.contains(document.activeElement));
      if (document.visibilityState === "hidden" || held) return;
      setToasts((all) =>
        all.some((t) => t.leftMs !== null)
          ? all.map((t) => t.leftMs === null ? t : { ...t, leftMs: t.leftMs - TICK_MS })
            .filter((t) => t.leftMs === null || t.leftMs > 0)
          : all
      );
    }, TICK_MS);
    return () => {
      globalThis.removeEventListener(TOAST_EVENT, onToast);
      clearInterval(tick);
    };
  }, []);

  return (
    <div ref={box} class="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          <span class="toast-text">
            {t.text}
            {t.href && <a href={t.href}>{t.linkText ?? "Open"}</a>}
          </span>
          <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
