import { useEffect } from "preact/hooks";
import { onLive } from "../lib/browser/live.ts";
import { showToast } from "../lib/browser/toast.ts";

/** On every signed-in page: turns the seller's live alerts into toasts. Renders nothing itself. */
export default function LiveAlerts() {
  useEffect(() =>
    onLive((event) => {
      if (event.type === "alert.first_open") {
        const { subject, messageId } = event.data as { subject: string; messageId: string };
        showToast({
          kind: "info",
          text: `Opened for the first time: “${subject}”`,
          href: `/messages/${messageId}`,
          linkText: "View",
        });
      }
    }), []);
  return null;
}
