import { useEffect } from "preact/hooks";
import { onLive } from "../lib/browser/live.ts";
import { showToast } from "../lib/browser/toast.ts";

/**
 * On every signed-in page: the seller's first-open alerts become toasts, and — when they
 * turned browser notifications on and the tab is in the background — system notifications.
 */
export default function LiveAlerts({ browserNotifications }: { browserNotifications: boolean }) {
  useEffect(() =>
    onLive((event) => {
      if (event.type !== "alert.first_open") return;
      const { subject, messageId, who } = event.data as { subject: string; messageId: string; who?: string };
      const text = `${who ?? "Someone"} opened “${subject}”`;
      showToast({ kind: "info", text, href: `/messages/${messageId}`, linkText: "View" });
      if (
        browserNotifications && document.hidden && "Notification" in globalThis &&
        Notification.permission === "granted"
      ) {
        const note = new Notification("Email opened", {
          body: text,
          tag: messageId,
          icon: "/static/favicon.svg",
        });
        note.onclick = () => {
          globalThis.focus();
          location.href = `/messages/${messageId}`;
        };
      }
    }), []);
  return null;
}
