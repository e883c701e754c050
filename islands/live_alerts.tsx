import { useEffect } from "preact/hooks";
import { holdWhileFocused, seenInBeacon } from "../lib/browser/focus.ts";
import { onLive } from "../lib/browser/live.ts";
import { showToast } from "../lib/browser/toast.ts";

/**
 * On every signed-in page: the seller's first-open alerts become toasts, and — when they turned browser
 * notifications on and no Beacon tab has focus (they are in another app or another site) — system
 * notifications. Tabs that hear the same alert raise it under one tag, so the system shows it once.
 */
export default function LiveAlerts({ browserNotifications }: { browserNotifications: boolean }) {
  useEffect(() => {
    holdWhileFocused();
    return onLive(async (event) => {
      if (event.type !== "alert.first_open") return;
      const { subject, messageId, who } = event.data as { subject: string; messageId: string; who?: string };
      const text = `${who ?? "Someone"} opened “${subject}”`;
      showToast({ kind: "info", text, href: `/messages/${messageId}`, linkText: "View" });
      if (
        !browserNotifications || !("Notification" in globalThis) || Notification.permission !== "granted" ||
        await seenInBeacon().catch(() => false)
      ) return;
      const note = new Notification("Email opened", {
        body: text,
        tag: messageId,
        icon: "/static/favicon.svg",
      });
      note.onclick = () => {
        globalThis.focus();
        location.href = `/messages/${messageId}`;
      };
    });
  }, []);
  return null;
}
