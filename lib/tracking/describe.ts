/** Words for engagement events in histories and timelines. Pure. */
import type { PublicEvent } from "./types.ts";

export function describeEvent(event: Pick<PublicEvent, "type" | "url" | "prefetch" | "method">): string {
  const what = event.type === "open"
    ? "Opened"
    : event.type === "click"
    ? `Clicked ${shortUrl(event.url ?? "a link")}`
    : "Viewed an attachment";
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
