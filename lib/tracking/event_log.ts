/**
 * A message's engagement events in KV. One entry holds the events of that message one commit
 * recorded (a group commit's hits, or a single reply or report), oldest first, keyed by the id
 * of its first event — so entries, and events within them, are in time order. Writing a batch
 * as a few entries instead of one entry per event is what keeps the tracking endpoint fast: KV
 * pays per mutation far more than per byte.
 *
 * An entry stores each event as a row of its fields in a fixed order, without the team and message
 * ids its key already holds: field names are not repeated for every event, so an entry is about a
 * third smaller than its events as objects — less to serialize and for SQLite to write on the hot
 * path, and less to store. The rows are stored as UTF-8 JSON bytes, which KV keeps as they are:
 * JSON.stringify writes them in about half the time V8's serializer takes for the same rows (measured
 * with `deno task bench:tracking`). Entries of earlier versions still read: rows as a V8-serialized
 * `{ rows }`, events as objects (`{ events }`), and, from before events were grouped, one bare event.
 */
import type { Classification } from "../classify/types.ts";
import { getValues } from "../storage/kv.ts";
import { eventKeyIds, trackingKeys as keys } from "./keys.ts";
import type { EngagementEvent } from "./types.ts";

type StoredEntry = Uint8Array | { rows: Row[] } | { events: EngagementEvent[] } | EngagementEvent;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** An entry's value: its events' rows, as UTF-8 JSON. */
const entryValue = (events: EngagementEvent[]): Uint8Array => utf8.encode(JSON.stringify(events.map(toRow)));

/** The fields a row holds first, in this order; the team and message ids come from the entry's key. */
const FIELDS = [
  "id",
  "type",
  "at",
  "recipient",
  "index",
  "url",
  "method",
  "userAgent",
  "clientAddress",
  "headers",
  "sinceSendMs",
  "prefetch",
] as const satisfies readonly (keyof EngagementEvent)[];

/** Fields not kept under their own name in `more`. */
const NOT_IN_MORE = new Set<string>([...FIELDS, "teamId", "messageId", "verdict"]);

/** The values of the named fields, as a tuple. */
type ValuesOf<T extends readonly (keyof EngagementEvent)[]> = {
  -readonly [I in keyof T]: T[I] extends keyof EngagementEvent ? EngagementEvent[T[I]] : never;
};

/** An event as stored: FIELDS, its verdict, and any other fields (a reply's facts, a delivery report). */
type Row = [
  ...ValuesOf<typeof FIELDS>,
  verdict: VerdictRow | null,
  more: Partial<EngagementEvent> | null,
];

/** A classification as stored: its reasons flattened to rule, text, weight, rule, text, weight… */
type VerdictRow = [
  rulesVersion: number,
  verdict: Classification["verdict"],
  kind: Classification["kind"],
  viaProxy: Classification["viaProxy"],
  reasons: string[],
];

function toRow(event: EngagementEvent): Row {
  const { verdict } = event;
  const reasons: string[] = [];
  for (const r of verdict?.reasons ?? []) reasons.push(r.rule, r.text, r.weight);
  let more: Record<string, unknown> | null = null;
  for (const name in event) {
    if (!NOT_IN_MORE.has(name)) (more ??= {})[name] = event[name as keyof EngagementEvent];
  }
  return [
    ...FIELDS.map((name) => event[name]),
    verdict ? [verdict.rulesVersion, verdict.verdict, verdict.kind, verdict.viaProxy, reasons] : null,
    more,
  ] as Row;
}

function fromRow(teamId: string, messageId: string, row: Row): EngagementEvent {
  const event: Record<string, unknown> = { teamId, messageId };
  FIELDS.forEach((name, i) => event[name] = row[i]);
  const verdict = row[FIELDS.length] as VerdictRow | null;
  if (verdict) {
    const [rulesVersion, judged, kind, viaProxy, flat] = verdict;
    const reasons: Classification["reasons"] = [];
    for (let i = 0; i < flat.length; i += 3) {
      reasons.push({ rule: flat[i], text: flat[i + 1], weight: flat[i + 2] as "strong" | "weak" });
    }
    event.verdict = { verdict: judged, kind, viaProxy, reasons, rulesVersion };
  }
  return Object.assign(event, row[FIELDS.length + 1]) as unknown as EngagementEvent;
}

export interface EventEntry {
  key: Deno.KvKey;
  versionstamp: string;
  /** Oldest first. */
  events: EngagementEvent[];
}

/** KV's value limit is 64 KiB; entries stay under this estimate of their serialized size. */
const ENTRY_BUDGET = 48 * 1024;

/**
 * An upper estimate of an event's serialized size: its variable strings counted twice (a string
 * with a character outside Latin-1 is stored two bytes per character), plus the fixed fields
 * (measured for a stored row: ~140 bytes with an empty verdict, ~16 more per verdict reason).
 */
export function approxBytes(
  e:
    & Pick<EngagementEvent, "userAgent" | "url" | "clientAddress" | "headers">
    & Partial<Pick<EngagementEvent, "verdict" | "reply" | "delivery">>,
): number {
  let chars = e.userAgent.length + (e.url?.length ?? 0) + e.clientAddress.length;
  for (const name in e.headers) chars += name.length + e.headers[name].length;
  let fixed = 200;
  for (const r of e.verdict?.reasons ?? []) {
    chars += r.rule.length + r.text.length;
    fixed += 20;
  }
  if (e.reply) chars += JSON.stringify(e.reply).length;
  if (e.delivery) chars += JSON.stringify(e.delivery).length;
  return fixed + 2 * chars;
}

/**
 * Adds `events` (of one message, oldest first) to the caller's commit, as few entries as fit;
 * returns the entries' ids (their first events' ids).
 */
export function addEvents(op: Deno.AtomicOperation, events: EngagementEvent[]): string[] {
  const ids: string[] = [];
  let start = 0, bytes = 0;
  for (let i = 0; i <= events.length; i++) {
    const size = i < events.length ? approxBytes(events[i]) : 0;
    if (i === events.length || (i > start && bytes + size > ENTRY_BUDGET)) {
      if (i > start) ids.push(setEntry(op, events.slice(start, i)));
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  return ids;
}

/** Writes an entry back with its events changed (re-judged, or some removed); none left deletes it. */
export function rewriteEntry(op: Deno.AtomicOperation, entry: EventEntry, events: EngagementEvent[]): void {
  if (events.length) op.set(entry.key, entryValue(events));
  else op.delete(entry.key);
}

function setEntry(op: Deno.AtomicOperation, events: EngagementEvent[]): string {
  const [first] = events;
  op.set(keys.event(first.teamId, first.messageId, first.id), entryValue(events));
  return first.id;
}

function eventsOf(key: Deno.KvKey, value: StoredEntry): EngagementEvent[] {
  if (!(value instanceof Uint8Array) && !("rows" in value)) return "events" in value ? value.events : [value];
  const rows: Row[] = value instanceof Uint8Array ? JSON.parse(fromUtf8.decode(value)) : value.rows;
  const { teamId, messageId } = eventKeyIds(key);
  return rows.map((row) => fromRow(teamId, messageId, row));
}

/** The event entries under a prefix: one message's (`keys.event(team, message)`) or a team's. */
export async function* eventEntries(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  { reverse = false }: { reverse?: boolean } = {},
): AsyncGenerator<EventEntry> {
  for await (const { key, value, versionstamp } of kv.list<StoredEntry>({ prefix }, { reverse })) {
    yield { key, versionstamp, events: eventsOf(key, value) };
  }
}

/** The events of the message's entries with these ids, in the order given (an entry since deleted has none). */
export async function readEntries(
  kv: Deno.Kv,
  teamId: string,
  messageId: string,
  ids: string[],
): Promise<EngagementEvent[]> {
  const entryKeys = ids.map((id) => keys.event(teamId, messageId, id));
  const values = await getValues<StoredEntry>(kv, entryKeys);
  return values.flatMap((value, i) => value ? eventsOf(entryKeys[i], value) : []);
}

/** Where a page of a message's events, newest first, starts: an entry's id, and how many of its newest to skip. */
const EVENT_CURSOR = /^([0-9A-HJKMNP-TV-Z]{26})\.(\d{1,6})$/;
export const isEventCursor = (cursor: string) => EVENT_CURSOR.test(cursor);

/**
 * A page of a message's events, newest first, and the cursor of the next (null on the last). A cursor is a
 * position (an entry and how far into it), not an event id: entries committed by two instances at once may
 * hold interleaving ids, and a position still gives every event once.
 */
export async function readEventPage(
  kv: Deno.Kv,
  teamId: string,
  messageId: string,
  { limit, cursor }: { limit: number; cursor?: string },
): Promise<{ events: EngagementEvent[]; cursor: string | null }> {
  const [, from, skipText] = (cursor && EVENT_CURSOR.exec(cursor)) || [];
  const prefix = keys.event(teamId, messageId);
  // The entry the cursor names and the older ones (a key with one more part comes after the entry's own).
  const selector = from ? { prefix, end: [...keys.event(teamId, messageId, from), ""] } : { prefix };
  const events: EngagementEvent[] = [];
  for await (const { key, value } of kv.list<StoredEntry>(selector, { reverse: true })) {
    const newestFirst = eventsOf(key, value).toReversed();
    const entryId = String(key.at(-1));
    const skip = entryId === from ? Number(skipText) : 0;
    for (let i = skip; i < newestFirst.length; i++) {
      if (events.length === limit) return { events, cursor: `${entryId}.${i}` };
      events.push(newestFirst[i]);
    }
  }
  return { events, cursor: null };
}

/** A message's events: oldest first, or newest first with `reverse`; at most `limit`. */
export async function readEvents(
  kv: Deno.Kv,
  teamId: string,
  messageId: string,
  { reverse = false, limit = Infinity }: { reverse?: boolean; limit?: number } = {},
): Promise<EngagementEvent[]> {
  const out: EngagementEvent[] = [];
  for await (const entry of eventEntries(kv, keys.event(teamId, messageId), { reverse })) {
    for (const event of reverse ? entry.events.toReversed() : entry.events) {
      if (out.length >= limit) return out;
      out.push(event);
    }
  }
  return out;
}
