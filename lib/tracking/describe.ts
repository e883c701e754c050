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

/** "example.com/pricing" from "https://www.example.com/pricing?utm=…". */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname === "/" ? "" : u.pathname;
    const text = u.hostname.replace(/^www\./, "") + path;
    return text.length > 60 ? text.slice(0, 57) + "…" : text;
  } catch {
    return url.slice(0, 60);
  }
}
