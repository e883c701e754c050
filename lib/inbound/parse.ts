/**
 * An inbound email, from raw RFC 822 bytes to the few things reply matching needs. Parsing is postal-mime's;
 * this module only flattens its output and reads the threading headers carefully:
 *
 * - `In-Reply-To` and `References` may each hold several ids, separated by spaces, commas or folding, with
 *   comments such as `(Ana's message of …)` around them; the `<…>` forms are kept, in header order. Ids
 *   without angle brackets (seen from old clients) are kept when they look like `local@domain`.
 * - Every occurrence of a header counts for the lists (To, Cc, Delivered-To, In-Reply-To, References);
 *   `headers` keeps the first value of each name, as RFC 5322 allows only one of most.
 * - Addresses are lower-cased and trimmed. Missing or malformed headers give null or empty lists.
 * - A message without a text part gets its HTML converted to text (html-to-text, see strip.ts).
 *
 * `parseInbound` rejects only when postal-mime does: over 2 MiB of headers or MIME nesting deeper than 256.
 */
import PostalMime, { addressParser } from "postal-mime";
import type { Address } from "postal-mime";
import { htmlToText } from "./strip.ts";

export interface InboundAttachment {
  filename: string | null;
  mimeType: string;
  /** Decoded size in bytes. */
  size: number;
  /** True for parts shown inside the HTML (Content-ID referenced, e.g. a signature logo). */
  inline: boolean;
}

export interface ParsedInbound {
  /** The Message-ID in `<…>` form. */
  messageId: string | null;
  inReplyTo: string[];
  /** Oldest first, as in the header. */
  references: string[];
  /** Decoded (encoded words resolved). */
  subject: string;
  from: { address: string; name: string } | null;
  to: string[];
  cc: string[];
  /** Delivered-To, X-Original-To and Envelope-To values: where the message was actually delivered. */
  deliveredTo: string[];
  /** The Date header in ms, null when missing or unreadable (the sender's clock: may be wrong or forged). */
  date: number | null;
  /** The text/plain body, or the HTML converted to text when there is none. */
  text: string;
  html: string | null;
  /** Lower-case names, first value, as found (not decoded). */
  headers: Record<string, string>;
  attachments: InboundAttachment[];
}

const DELIVERY_HEADERS = ["delivered-to", "x-original-to", "envelope-to"];

export async function parseInbound(raw: string | Uint8Array | ArrayBuffer): Promise<ParsedInbound> {
  const email = await PostalMime.parse(raw);
  const headers: Record<string, string> = {};
  for (const header of email.headers) {
    if (!(header.key in headers)) headers[header.key] = header.value.trim();
  }
  const all = (key: string) => email.headers.filter((h) => h.key === key).map((h) => h.value);
  const addresses = (keys: string[]) => dedupe(keys.flatMap((key) => all(key).flatMap(parseAddresses)));
  const from = firstMailbox(email.from);
  const dateMs = email.date ? Date.parse(email.date) : NaN;
  return {
    messageId: parseMessageIds(headers["message-id"] ?? "")[0] ?? null,
    inReplyTo: parseMessageIds(all("in-reply-to").join(" ")),
    references: parseMessageIds(all("references").join(" ")),
    subject: (email.subject ?? "").trim(),
    from,
    to: addresses(["to"]),
    cc: addresses(["cc"]),
    deliveredTo: addresses(DELIVERY_HEADERS),
    date: Number.isFinite(dateMs) ? dateMs : null,
    text: email.text ?? (email.html ? htmlToText(email.html) : ""),
    html: email.html ?? null,
    headers,
    attachments: email.attachments.map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      size: typeof a.content === "string" ? new TextEncoder().encode(a.content).length : a.content.byteLength,
      inline: a.disposition === "inline" || a.related === true,
    })),
  };
}

/**
 * Message ids from an In-Reply-To or References value: every `<…>` in order, deduplicated. When there are no
 * angle brackets at all, whitespace- or comma-separated `local@domain` words, wrapped in `<…>`.
 */
export function parseMessageIds(value: string): string[] {
  const bracketed = [...value.matchAll(/<\s*([^<>\s]+)\s*>/g)].map((m) => `<${m[1]}>`);
  if (bracketed.length > 0) return dedupe(bracketed);
  if (/[<>]/.test(value)) return [];
  const bare = value.split(/[\s,;]+/).filter((word) => /^[^@\s()"]+@[^@\s()"]+$/.test(word));
  return dedupe(bare.map((word) => `<${word}>`));
}

function parseAddresses(value: string): string[] {
  let parsed: Address[];
  try {
    parsed = addressParser(value);
  } catch {
    return [];
  }
  return parsed
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((m) => (m.address ?? "").trim().toLowerCase())
    .filter((address) => address.includes("@"));
}

function firstMailbox(address: Address | undefined): ParsedInbound["from"] {
  const mailbox = address?.group ? address.group[0] : address;
  const email = mailbox?.address?.trim().toLowerCase();
  if (!mailbox || !email || !email.includes("@")) return null;
  return { address: email, name: (mailbox.name ?? "").trim() };
}

function dedupe<T>(items: T[]): T[] {
  return [...new Set(items)];
}
