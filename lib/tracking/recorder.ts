/**
 * Records tracking hits durably, many per commit (group commit). A hit's promise
 * resolves only after its event is in KV, so the endpoint answers only once the
 * event is safe. While one commit is in flight, new hits gather into the next
 * batch: one hit alone commits at once; under load, batches grow by themselves.
 * Each batch reads the counters of its messages, applies its events, and commits
 * events, counters and feed entries together with a check on the counters, so
 * two instances never lose each other's counts (a conflict re-reads and retries).
 */
import { addToFeed, liveEvent } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { newId } from "../storage/ids.ts";
import { trackingKeys as keys } from "./keys.ts";
import { type TrackingRef, UNKNOWN_RECIPIENT } from "./tokens.ts";
import { applyEvent, type EngagementEvent, type EventType, type MessageStats, publicEvent } from "./types.ts";

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
}

export interface Committed {
  event: EngagementEvent;
  stats: MessageStats;
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

export class EventRecorder {
  #queue: Pending[] = [];
  #inFlight = 0;
  #hooks = new Set<Promise<unknown>>();
  /** Commits run at once; more than one keeps both cores busy under load. */
  readonly parallel: number;
  /** Called after each commit with what it stored (publishing, alerts). */
  onCommitted: ((committed: Committed[]) => Promise<void> | void) | null = null;

  constructor(private kv: Deno.Kv, options: { parallel?: number } = {}) {
    this.parallel = options.parallel ?? 2;
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
      this.#commit(batch)
        .catch((error) => batch.forEach((p) => p.reject(error)))
        .finally(() => {
          this.#inFlight--;
          this.#pump();
        });
    }
  }

  #takeBatch(): Pending[] {
    const messages = new Set<string>();
    let n = 0;
    while (n < this.#queue.length && n < MAX_HITS_PER_COMMIT) {
      const id = this.#queue[n].hit.ref.messageId;
      if (!messages.has(id) && messages.size === MAX_MESSAGES_PER_COMMIT) break;
      messages.add(id);
      n++;
    }
    return this.#queue.splice(0, n);
  }

  async #commit(batch: Pending[]): Promise<void> {
    for (let attempt = 0;; attempt++) {
      const statKeys = [
        ...new Map(batch.map((p) => [p.hit.ref.messageId, keys.stats(p.hit.ref.teamId, p.hit.ref.messageId)]))
          .values(),
      ];
      const entries = new Map<string, Deno.KvEntryMaybe<MessageStats>>();
      for (let i = 0; i < statKeys.length; i += 10) {
        for (const entry of await this.kv.getMany<MessageStats[]>(statKeys.slice(i, i + 10))) {
          entries.set(entry.key.at(-1) as string, entry);
        }
      }
      const op = this.kv.atomic();
      const stats = new Map<string, MessageStats>();
      const results: (Committed | null)[] = [];
      for (const { hit } of batch) {
        const id = hit.ref.messageId;
        const current = stats.get(id) ?? entries.get(id)?.value;
        if (!current) {
          results.push(null);
          continue;
        }
        const event = toEvent(hit, current.sentAt);
        const next = applyEvent(current, event);
        stats.set(id, next);
        const live = liveEvent(event.teamId, "engagement", {
          messageId: id,
          event: publicEvent(event),
          stats: next,
        }, event.at);
        op.set(keys.event(event.teamId, id, event.id), event);
        addToFeed(op, live);
        results.push({ event, stats: next, firstOpen: current.opens === 0 && next.opens === 1, live });
      }
      for (const [id, next] of stats) {
        const entry = entries.get(id)!;
        op.check(entry).set(entry.key, next);
      }
      const result = stats.size ? await op.commit() : { ok: true };
      if (!result.ok) {
        if (attempt < 20) continue; // another instance updated the same counters; re-read and re-apply
        throw new Error("could not record tracking hits: counters kept changing");
      }
      batch.forEach((p, i) => p.resolve(results[i]));
      const committed = results.filter((r): r is Committed => !!r);
      if (committed.length && this.onCommitted) {
        // Off the commit path: the next batch doesn't wait for live updates and alerts.
        const hook = Promise.resolve().then(() => this.onCommitted!(committed))
          .catch((error) => console.error("after-commit hook failed", error))
          .finally(() => this.#hooks.delete(hook));
        this.#hooks.add(hook);
      }
      return;
    }
  }

  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#queue.length || this.#inFlight || this.#hooks.size) {
      await Promise.all([...this.#hooks]);
      await new Promise((r) => setTimeout(r, 1));
    }
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
