/**
 * Records tracking hits durably, many per commit (group commit). A hit's promise
 * resolves only after its event is in KV, so the endpoint answers only once the
 * event is safe. While one commit is in flight, new hits gather into the next
 * batch: one hit alone commits at once; under load, batches grow by themselves.
 * Each batch reads the counters of its messages (or takes them from its own last
 * commit), applies its events, and commits events (a few entries per message, see
 * event_log.ts), counters and feed entries together with a check on the counters,
 * so two instances never lose each other's counts (a conflict re-reads and retries).
 */
import { addToFeed, liveEvent } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { newId } from "../storage/ids.ts";
import { BoundedMap } from "../storage/bounded_map.ts";
import { trackingKeys as keys } from "./keys.ts";
import { addEvents, approxBytes, eventEntries, type EventEntry, rewriteEntry } from "./event_log.ts";
import { feedCopy } from "./live_feed.ts";
import { type TrackingRef, UNKNOWN_RECIPIENT } from "./tokens.ts";
import {
  copyStats,
  countEvent,
  type EngagementEvent,
  type EventType,
  isHumanEvent,
  type MessageStats,
  type PublicEvent,
  publicEvent,
} from "./types.ts";
import { classify, neighboursToRecheck, toFacts, truncateAddress } from "../classify/classify.ts";
import type { EventFacts } from "../classify/types.ts";

export interface Hit {
  ref: TrackingRef;
  type: EventType;
  at: number;
  method: string;
  userAgent: string;
  clientAddress: string;
  headers: Record<string, string>;
  url: string | null;
  prefetch: boolean;
  /** The click came through the message's hidden honeypot link. */
  honeypot?: boolean;
}

export interface Committed {
  event: EngagementEvent;
  /** This event was the message's first counted open. */
  firstOpen: boolean;
  live: LiveEvent;
}

interface Pending {
  hit: Hit;
  resolve: (event: Committed | null) => void;
  reject: (error: unknown) => void;
}

/** KV allows 100 checks and 1,000 mutations per commit; a batch stays well inside both. */
const MAX_MESSAGES_PER_COMMIT = 90;
const MAX_HITS_PER_COMMIT = 300;
/** KV allows 800 KB per commit; batches stop well inside it by approxBytes' overestimate of their events. */
const MAX_BYTES_PER_COMMIT = 350 * 1024;
/** Events in one live event: keeps what is published (SSE, Supabase broadcast) small. */
const EVENTS_PER_LIVE_EVENT = 40;
/** How many earlier events of a message the classifier sees for a click. */
const CONTEXT_EVENTS = 50;
/** Messages whose counters are remembered between batches. */
const KNOWN_COUNTERS = 10_000;

export class EventRecorder {
  #queue: Pending[] = [];
  /** Counters as this instance last committed them, by message (see #remember). */
  #counters = new BoundedMap<string, Deno.KvEntry<MessageStats>>(KNOWN_COUNTERS);
  #inFlight = 0;
  #hooks = new Set<Promise<unknown>>();
  /**
   * Commits in flight at once. One: with a single writer (local SQLite) a second commit only
   * conflicts on the same hot counters; meanwhile hits gather into the next, bigger batch.
   */
  readonly parallel: number;
  /** Called after each commit with what it stored (publishing, alerts). */
  onCommitted: ((committed: Committed[]) => Promise<void> | void) | null = null;

  constructor(private kv: Deno.Kv, options: { parallel?: number } = {}) {
    this.parallel = options.parallel ?? 1;
  }

  /** Stores a hit; resolves once it is committed (null when its message is unknown or not sent). */
  record(hit: Hit): Promise<Committed | null> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ hit, resolve, reject });
      this.#pump();
    });
  }

  #pump() {
    while (this.#inFlight < this.parallel && this.#queue.length) {
      const batch = this.#takeBatch();
      this.#inFlight++;
      // The next batch goes to KV before this one's hits are answered: the commit is the slow part.
      this.#commit(batch).then((results) => {
        this.#inFlight--;
        this.#pump();
        batch.forEach((p, i) => p.resolve(results[i]));
        this.#afterCommit(results);
      }, (error) => {
        this.#inFlight--;
        this.#pump();
        batch.forEach((p) => p.reject(error));
      });
    }
  }

  #takeBatch(): Pending[] {
    const messages = new Set<string>();
    let n = 0, bytes = 0;
    while (n < this.#queue.length && n < MAX_HITS_PER_COMMIT) {
      const { hit } = this.#queue[n];
      const id = hit.ref.messageId;
      if (!messages.has(id) && messages.size === MAX_MESSAGES_PER_COMMIT) break;
      bytes += approxBytes(hit);
      if (n > 0 && bytes > MAX_BYTES_PER_COMMIT) break;
      messages.add(id);
      n++;
    }
    return this.#queue.splice(0, n);
  }

  /**
   * Commits a batch; returns each hit's outcome. Runs without a pause up to the commit when the
   * counters are known and no hit needs its message's history (opens), so a batch taken right after
   * the previous commit reaches KV at once.
   */
  async #commit(batch: Pending[]): Promise<(Committed | null)[]> {
    for (let attempt = 0;; attempt++) {
      // Counters this instance committed last are known; only the others are read (one key per message).
      const entries = new Map<string, Deno.KvEntryMaybe<MessageStats>>();
      const unknown = new Map<string, Deno.KvKey>();
      for (const { hit: { ref } } of batch) {
        if (entries.has(ref.messageId) || unknown.has(ref.messageId)) continue;
        const known = this.#counters.get(ref.messageId);
        if (known) entries.set(ref.messageId, known);
        else unknown.set(ref.messageId, keys.stats(ref.teamId, ref.messageId));
      }
      const toRead = [...unknown.values()];
      for (let i = 0; i < toRead.length; i += 10) {
        for (const entry of await this.kv.getMany<MessageStats[]>(toRead.slice(i, i + 10))) {
          entries.set(entry.key.at(-1) as string, entry);
        }
      }
      /** Each message's counters as this batch changes them: a copy of the stored ones, counted in place. */
      const stats = new Map<string, MessageStats>();
      const results: (Committed | null)[] = [];
      // Opens are judged on their own facts: a batch of opens reads no history (and doesn't pause here).
      const context = batch.some((p) => p.hit.type !== "open")
        ? await this.#context(batch)
        : new Map<string, Judged[]>();
      /** The events this batch records, by id (a later re-judging replaces one in place). */
      const fresh = new Map<string, EngagementEvent>();
      /** Stored entries holding an earlier event this batch re-judged. */
      const rewritten = new Set<EventEntry>();
      /** A message's current live event in this batch: one per EVENTS_PER_LIVE_EVENT new events. */
      const lives = new Map<string, LiveEvent>();
      /** Each live event's events, by id; they are stored as its entries, which its feed entry names. */
      const members = new Map<LiveEvent, string[]>();
      for (const { hit } of batch) {
        const id = hit.ref.messageId;
        let current = stats.get(id);
        if (!current) {
          const stored = entries.get(id)?.value;
          if (!stored) {
            results.push(null);
            continue;
          }
          stats.set(id, current = copyStats(stored));
        }
        const event = toEvent(hit, current.sentAt);
        // Classified with the full address, stored with a truncated one.
        const earlier = context.get(id) ?? [];
        const facts = toFacts(event, hit.honeypot ?? false);
        // Only clicks and views are judged against the message's other events (bursts, the honeypot,
        // networks): an open's verdict rests on its own facts, so it is spared the history.
        event.verdict = classify(facts, { earlier: hit.type === "open" ? [] : earlier.map((e) => e.facts) });
        event.clientAddress = truncateAddress(event.clientAddress);
        // A click can change how its neighbours read (a burst, the honeypot): judge them again.
        if (hit.type !== "open") {
          for (const i of neighboursToRecheck(facts, earlier.map((e) => e.facts))) {
            const other = earlier[i];
            const others = [...earlier.filter((_, j) => j !== i).map((e) => e.facts), facts];
            const verdict = classify(other.facts, { earlier: others });
            if (isHumanEvent(other.event) && verdict.verdict !== "human") {
              const changed: EngagementEvent = { ...other.event, verdict };
              if (other.entry) {
                other.entry.events = other.entry.events.map((e) => e.id === changed.id ? changed : e);
                rewritten.add(other.entry);
              } else fresh.set(changed.id, changed);
              other.event = changed;
              recountAsMachine(current, changed);
            }
          }
        }
        countEvent(current, event);
        fresh.set(event.id, event);
        earlier.push({ event, facts });
        context.set(id, earlier);
        const shown = publicEvent(event);
        let live = lives.get(id);
        if (live && (live.data.events as PublicEvent[]).length < EVENTS_PER_LIVE_EVENT) {
          (live.data.events as PublicEvent[]).push(shown);
        } else {
          live = liveEvent(event.teamId, "engagement", {
            messageId: id,
            events: [shown],
            stats: current,
          }, event.at);
          lives.set(id, live);
          members.set(live, []);
        }
        members.get(live)!.push(event.id);
        results.push({
          event,
          firstOpen: entries.get(id)!.value!.opens === 0 && current.opens > 0 && !firstSeen(results, id),
          live,
        });
      }
      const op = this.kv.atomic();
      for (const [live, ids] of members) {
        addToFeed(op, feedCopy(live, addEvents(op, ids.map((id) => fresh.get(id)!))));
      }
      // Unchecked: re-judging changes the message's counters too, and those are checked.
      for (const entry of rewritten) rewriteEntry(op, entry, entry.events);
      for (const [id, next] of stats) {
        const entry = entries.get(id)!;
        op.check(entry).set(entry.key, next);
      }
      const result = stats.size ? await op.commit() : { ok: true as const, versionstamp: "" };
      this.#remember(stats, entries, result.ok ? result.versionstamp : null);
      if (!result.ok) {
        // Another instance updated the same counters: re-read and re-apply, backing off a little.
        if (attempt < 50) {
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
          continue;
        }
        throw new Error("could not record tracking hits: counters kept changing");
      }
      return results;
    }
  }

  /** Live updates and alerts, off the commit path: the next batch doesn't wait for them. */
  #afterCommit(results: (Committed | null)[]) {
    const committed = results.filter((r): r is Committed => !!r);
    if (!committed.length || !this.onCommitted) return;
    const hook = Promise.resolve().then(() => this.onCommitted!(committed))
      .catch((error) => console.error("after-commit hook failed", error))
      .finally(() => this.#hooks.delete(hook));
    this.#hooks.add(hook);
  }

  /**
   * Keeps the counters this instance just committed, with their versionstamp, so the next batch
   * needn't read them back; after a failed check (someone else wrote them) they are read again.
   */
  #remember(
    stats: Map<string, MessageStats>,
    entries: Map<string, Deno.KvEntryMaybe<MessageStats>>,
    versionstamp: string | null,
  ) {
    for (const [id, value] of stats) {
      if (versionstamp === null) this.#counters.delete(id);
      else this.#counters.set(id, { key: entries.get(id)!.key, value, versionstamp });
    }
  }

  /**
   * Earlier events of the batch's messages, for rules that look at a message's history
   * (bursts of clicks, the honeypot, a click from another network than the opens). Only
   * messages with clicks or views need it; opens are judged on their own facts.
   */
  async #context(batch: Pending[]): Promise<Map<string, Judged[]>> {
    const context = new Map<string, Judged[]>();
    const needing = new Map<string, string>();
    for (const { hit } of batch) if (hit.type !== "open") needing.set(hit.ref.messageId, hit.ref.teamId);
    await Promise.all([...needing].map(async ([messageId, teamId]) => {
      const recent: Judged[] = [];
      for await (const entry of eventEntries(this.kv, keys.event(teamId, messageId), { reverse: true })) {
        for (const event of entry.events.toReversed()) {
          if (event.type !== "reply" && event.type !== "delivery") {
            recent.push({ event, facts: factsOf(event), entry });
          }
        }
        if (recent.length >= CONTEXT_EVENTS) break;
      }
      context.set(messageId, recent.reverse());
    }));
    return context;
  }

  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#queue.length || this.#inFlight || this.#hooks.size) {
      await Promise.all([...this.#hooks]);
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}

/** An event with the facts the classifier judged it on, and the stored entry holding it (if stored). */
interface Judged {
  event: EngagementEvent;
  facts: EventFacts;
  entry?: EventEntry;
}

const factsOf = (e: EngagementEvent): EventFacts =>
  toFacts(e, e.verdict?.reasons.some((r) => r.rule === "honeypot") ?? false);

/** Whether an earlier result in this batch already reported the message's first open. */
const firstSeen = (results: (Committed | null)[], messageId: string) =>
  results.some((r) => r?.firstOpen && r.event.messageId === messageId);

/** Moves an earlier click or view, counted as a person's, to the machines' (in the batch's own counters). */
function recountAsMachine(stats: MessageStats, event: EngagementEvent): void {
  stats.machineClicks = (stats.machineClicks ?? 0) + 1;
  const key = String(event.index ?? 0);
  if (event.type === "click") {
    stats.clicks = Math.max(0, stats.clicks - 1);
    stats.linkClicks[key] = Math.max(0, (stats.linkClicks[key] ?? 1) - 1);
  } else if (event.type === "attachment_view") {
    stats.attachmentViews = Math.max(0, stats.attachmentViews - 1);
    stats.attachmentViewsBy ??= {};
    stats.attachmentViewsBy[key] = Math.max(0, (stats.attachmentViewsBy[key] ?? 1) - 1);
  }
}

function toEvent(hit: Hit, sentAt: number): EngagementEvent {
  return {
    id: newId(hit.at),
    teamId: hit.ref.teamId,
    messageId: hit.ref.messageId,
    type: hit.type,
    at: hit.at,
    recipient: hit.ref.recipient === UNKNOWN_RECIPIENT ? null : hit.ref.recipient,
    index: hit.type === "open" ? null : hit.ref.index,
    url: hit.url,
    method: hit.method,
    userAgent: hit.userAgent,
    clientAddress: hit.clientAddress,
    headers: hit.headers,
    sinceSendMs: Math.max(0, hit.at - sentAt),
    prefetch: hit.prefetch,
  };
}
