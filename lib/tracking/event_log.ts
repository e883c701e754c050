/**
 * A message's engagement events in KV. One entry holds the events of that message one commit
 * recorded (a group commit's hits, or a single reply or report), oldest first, keyed by the id
 * of its first event — so entries, and events within them, are in time order. Writing a batch
 * as a few entries instead of one entry per event is what keeps the tracking endpoint fast: KV
 * pays per mutation far more than per byte.
 * Entries written before events were grouped hold one bare event; readers take both shapes.
 */
import { getValues } from "../storage/kv.ts";
import { trackingKeys as keys } from "./keys.ts";
import type { EngagementEvent } from "./types.ts";

type StoredEntry = { events: EngagementEvent[] } | EngagementEvent;

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
 * (measured: ~330 bytes with an empty verdict, ~30 more per verdict reason).
 */
export function approxBytes(
  e:
    & Pick<EngagementEvent, "userAgent" | "url" | "clientAddress" | "headers">
    & Partial<Pick<EngagementEvent, "verdict" | "reply" | "delivery">>,
): number {
  let chars = e.userAgent.length + (e.url?.length ?? 0) + e.clientAddress.length;
  for (const name in e.headers) chars += name.length + e.headers[name].length;
  let fixed = 400;
  for (const r of e.verdict?.reasons ?? []) {
    chars += r.rule.length + r.text.length;
    fixed += 40;
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
  if (events.length) op.set(entry.key, { events });
  else op.delete(entry.key);
}

function setEntry(op: Deno.AtomicOperation, events: EngagementEvent[]): string {
  const [first] = events;
  op.set(keys.event(first.teamId, first.messageId, first.id), { events });
  return first.id;
}

const eventsOf = (value: StoredEntry) => "events" in value ? value.events : [value];

/** The event entries under a prefix: one message's (`keys.event(team, message)`) or a team's. */
export async function* eventEntries(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  { reverse = false }: { reverse?: boolean } = {},
): AsyncGenerator<EventEntry> {
  for await (const { key, value, versionstamp } of kv.list<StoredEntry>({ prefix }, { reverse })) {
    yield { key, versionstamp, events: eventsOf(value) };
  }
}

/** The events of the message's entries with these ids, in the order given (an entry since deleted has none). */
export async function readEntries(
  kv: Deno.Kv,
  teamId: string,
  messageId: string,
  ids: string[],
): Promise<EngagementEvent[]> {
  const values = await getValues<StoredEntry>(kv, ids.map((id) => keys.event(teamId, messageId, id)));
  return values.flatMap((value) => value ? eventsOf(value) : []);
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
