/** Words for engagement events in histories and timelines. Pure. */
import { type DeliveryKind, deliveryText } from "../messages/delivery_status.ts";
import type { PublicEvent } from "./types.ts";

export function describeEvent(
  event: Pick<PublicEvent, "type" | "url" | "prefetch" | "method" | "reply" | "delivery" | "index">,
  attachmentNames: string[] = [],
): string {
  if (event.type === "reply" && event.reply) {
    const who = event.reply.fromName || event.reply.from;
    const said = event.reply.text ? `: “${event.reply.text.replace(/\s+/g, " ").slice(0, 140)}”` : "";
    if (event.reply.autoReply) {
      return `Auto-reply from ${who} (${event.reply.autoReply}) — not counted as a reply`;
    }
    if (!event.reply.fromRecipient) return `${who} replied — not a recipient (forwarded)${said}`;
    return `${who} replied${said}`;
  }
  if (event.type === "delivery" && event.delivery) {
    return deliveryText({ kind: event.delivery.kind as DeliveryKind, reason: event.delivery.reason, at: 0 });
  }
  const what = event.type === "open"
    ? "Opened"
    : event.type === "click"
    ? `Clicked ${shortUrl(event.url ?? "a link")}`
    : `Viewed ${attachmentNames[event.index ?? -1] ?? "an attachment"}`;
  if (!event.prefetch) return what;
  return `${what} — ${event.method === "HEAD" ? "HEAD request" : "prefetch"}, not counted`;
}

/** Query parameters that only say where a click came from, not where it goes (utm_source, gclid…). */
const CAMPAIGN_PARAM = /^(?:utm_|mc_|_hs|fbclid$|gclid$|msclkid$)/i;
const SHORT_URL_MAX = 60;

/**
 * "example.com/pricing?plan=pro" from "https://www.example.com/pricing?plan=pro&utm_source=mail": what tells
 * one link from another. A long one keeps its start and its end ("docs.acme.example/proposals/…/globex-q3.pdf"):
 * links to one site differ at the end.
 */
export function shortUrl(url: string): string {
  let text = url;
  try {
    const parsed = new URL(url); // (not URL.parse: this runs in browsers older than it too)
    for (const key of [...parsed.searchParams.keys()]) {
      if (CAMPAIGN_PARAM.test(key)) parsed.searchParams.delete(key);
    }
    text = parsed.hostname.replace(/^www\./, "") + (parsed.pathname === "/" ? "" : parsed.pathname) +
      parsed.search;
  } catch {
    // Not a URL: shown as it is.
  }
  if (text.length <= SHORT_URL_MAX) return text;
  const half = Math.floor((SHORT_URL_MAX - 1) / 2);
  return `${text.slice(0, half)}…${text.slice(-half)}`;
}
