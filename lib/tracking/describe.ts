/** Words for engagement events in histories and timelines. Pure. */
import { type DeliveryKind, deliveryText } from "../messages/delivery_status.ts";
import { isolated } from "../text/bidi.ts";
import { clip } from "../text/clip.ts";
import type { PublicEvent } from "./types.ts";

export function describeEvent(
  event: Pick<PublicEvent, "type" | "url" | "prefetch" | "method" | "reply" | "delivery" | "index">,
  attachmentNames: string[] = [],
): string {
  if (event.type === "reply" && event.reply) {
    const who = isolated(event.reply.fromName || event.reply.from);
    // The quotation marks go inside the isolate: a right-to-left reply opens and closes where it is read (right,
    // then left), not with its closing mark at the start of a wrapped line.
    const said = event.reply.text
      ? `: ${isolated(`“${clip(event.reply.text.replace(/\s+/g, " "), 140)}”`)}`
      : "";
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
 * What a decoded escape must not become: a separator (the link would read as another path or query), "%", a
 * space, or an invisible character (a bidi control could reorder what is shown, the host too).
 */
const KEEP_ESCAPED = /[\p{C}\p{Z}%/?#&=+;]/gu;

/**
 * "عرض" from "%D8%B9%D8%B1%D8%B6": each run of escapes decoded, one that isn't UTF-8 left as it is, and what
 * KEEP_ESCAPED names escaped again.
 */
function readable(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run).replace(KEEP_ESCAPED, encodeURIComponent);
    } catch {
      return run;
    }
  });
}

/**
 * "example.com/pricing?plan=pro" from "https://www.example.com/pricing?plan=pro&utm_source=mail": what tells
 * one link from another. A long one keeps its start and its end ("docs.acme.example/proposals/…/globex-q3.pdf"):
 * links to one site differ at the end. Path and query are shown decoded ("gulf-trade.example/عرض"); the host
 * as the URL parser gives it (punycode).
 */
export function shortUrl(url: string): string {
  let text = url;
  try {
    const parsed = new URL(url); // (not URL.parse: this runs in browsers older than it too)
    for (const key of [...parsed.searchParams.keys()]) {
      if (CAMPAIGN_PARAM.test(key)) parsed.searchParams.delete(key);
    }
    text = parsed.hostname.replace(/^www\./, "") +
      readable((parsed.pathname === "/" ? "" : parsed.pathname) + parsed.search);
  } catch {
    // Not a URL: shown as it is.
  }
  const chars = [...text]; // (by code point: a decoded emoji isn't cut in two)
  if (chars.length <= SHORT_URL_MAX) return text;
  const half = Math.floor((SHORT_URL_MAX - 1) / 2);
  return `${chars.slice(0, half).join("")}…${chars.slice(-half).join("")}`;
}
