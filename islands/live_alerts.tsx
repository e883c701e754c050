import { useEffect } from "preact/hooks";
import { holdWhileFocused, seenInBeacon } from "../lib/browser/focus.ts";
import { onLive } from "../lib/browser/live.ts";
import { showToast, type ToastMessage } from "../lib/browser/toast.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import { isolated } from "../lib/text/bidi.ts";
import { clip } from "../lib/text/clip.ts";

interface Alert {
  toast: ToastMessage["kind"];
  /** The system notification's title. */
  title: string;
  text: string;
  messageId: string;
  /** Notifications under one tag are shown once, however many tabs raise them. */
  tag: string;
}

/** A subject as an alert quotes it: a line's worth (the message page has it whole). */
const quoted = (subject: string) => `“${isolated(clip(subject, 80))}”`;

/** The seller's own alerts, in words: a first open (info), an email that could not be sent (an error). */
function alertOf(event: LiveEvent): Alert | null {
  const data = event.data as {
    messageId: string;
    subject: string;
    who?: string;
    to?: string;
    summary?: string;
  };
  if (event.type === "alert.first_open") {
    return {
      toast: "info",
      title: "Email opened",
      text: `${data.who ? isolated(data.who) : "Someone"} opened ${quoted(data.subject)}`,
      messageId: data.messageId,
      tag: data.messageId,
    };
  }
  if (event.type === "alert.send_failed") {
    return {
      toast: "error",
      title: "Email not sent",
      text: `${quoted(data.subject)}${data.to ? ` to ${data.to}` : ""} was not sent: ${
        data.summary ?? "it failed"
      }`,
      messageId: data.messageId,
      tag: `failed:${data.messageId}`,
    };
  }
  return null;
}

const RAISED = "beacon:raised-alerts";
/** How long an alert is up before this tab counts it as raised: a page left sooner leaves it to the next. */
const RAISED_AFTER_MS = 1500;

/**
 * Alerts this tab has raised, across its pages. A new page's catch-up starts a few seconds back, so an alert
 * that came as the seller moved on (a send that failed as the composer opened its message) is raised on the
 * new page; one the page before showed for a moment is not raised again.
 */
function raisedInTab(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(RAISED) ?? "[]");
  } catch {
    return []; // no session storage (blocked): raise it
  }
}

function markRaised(id: string): void {
  try {
    sessionStorage.setItem(RAISED, JSON.stringify([...raisedInTab().slice(-49), id]));
  } catch {
    // no session storage: nothing to remember it by
  }
}

/**
 * On every signed-in page: the seller's alerts — a first open, an email that failed to send — become toasts
 * (a failure's stays until dismissed), and — when they turned browser notifications on and no Beacon tab
 * has focus (they are in another app or another site) — system notifications. Tabs that hear the same
 * alert raise it under one tag, so the system shows it once.
 */
export default function LiveAlerts({ browserNotifications }: { browserNotifications: boolean }) {
  useEffect(() => {
    holdWhileFocused();
    return onLive(async (event) => {
      const alert = alertOf(event);
      if (!alert || raisedInTab().includes(event.id)) return;
      const href = `/messages/${alert.messageId}`;
      // On the message's own page there is nothing to go to.
      const link = location.pathname === href ? {} : { href, linkText: "View" };
      showToast({ kind: alert.toast, text: alert.text, tag: `message:${alert.messageId}`, ...link });
      setTimeout(() => markRaised(event.id), RAISED_AFTER_MS);
      if (
        !browserNotifications || !("Notification" in globalThis) || Notification.permission !== "granted" ||
        await seenInBeacon().catch(() => false)
      ) return;
      const note = new Notification(alert.title, {
        body: alert.text,
        tag: alert.tag,
        icon: "/static/favicon.svg",
      });
      note.onclick = () => {
        globalThis.focus();
        location.href = href;
      };
    });
  }, []);
  return null;
}
