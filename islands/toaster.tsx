import { useEffect, useState } from "preact/hooks";
import { TOAST_EVENT, type ToastMessage } from "../lib/browser/toast.ts";

interface Shown extends ToastMessage {
  id: number;
}

const LIFETIME_MS = 6000;
let nextId = 1;

/** Toasts: the page's flash message and anything islands raise; polite to screen readers. */
export default function Toaster({ initial }: { initial: ToastMessage | null }) {
  const [toasts, setToasts] = useState<Shown[]>(initial ? [{ ...initial, id: 0 }] : []);
  const dismiss = (id: number) => setToasts((all) => all.filter((t) => t.id !== id));

  useEffect(() => {
    const onToast = (event: Event) => {
      const toast = { ...(event as CustomEvent<ToastMessage>).detail, id: nextId++ };
      setToasts((all) => [...all.slice(-3), toast]);
      setTimeout(() => dismiss(toast.id), LIFETIME_MS);
    };
    globalThis.addEventListener(TOAST_EVENT, onToast);
    if (initial) setTimeout(() => dismiss(0), LIFETIME_MS);
    return () => globalThis.removeEventListener(TOAST_EVENT, onToast);
  }, []);

  return (
    <div class="toasts" role="status" aria-live="polite">
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
