import type { LiveEvent, LiveListener, Realtime } from "./realtime.ts";

/** The embedded Realtime adapter: listeners per team, in this process. */
export class LocalHub implements Realtime {
  readonly name = "local" as const;
  /** Each team's listeners, with what to call if the hub ends their subscription. */
  #topics = new Map<string, Map<LiveListener, (() => void) | undefined>>();
  #closed = false;

  publish(event: LiveEvent): Promise<void> {
    for (const listener of this.#topics.get(event.teamId)?.keys() ?? []) {
      try {
        listener(event);
      } catch (error) {
        console.error("realtime listener failed", error);
      }
    }
    return Promise.resolve();
  }

  subscribe(teamId: string, listener: LiveListener, onEnd?: () => void): () => void {
    if (this.#closed) {
      if (onEnd) queueMicrotask(onEnd);
      return () => {};
    }
    let topic = this.#topics.get(teamId);
    if (!topic) this.#topics.set(teamId, topic = new Map());
    topic.set(listener, onEnd);
    return () => {
      topic.delete(listener);
      if (topic.size === 0) this.#topics.delete(teamId);
    };
  }

  /** Ends every subscription, now and to come (shutdown: the pages' streams end and reconnect elsewhere). */
  close(): void {
    this.#closed = true;
    const topics = [...this.#topics.values()];
    this.#topics.clear();
    for (const topic of topics) {
      for (const onEnd of topic.values()) {
        try {
          onEnd?.();
        } catch (error) {
          console.error("realtime: ending a subscription failed", error);
        }
      }
    }
  }

  /** Delivery is synchronous: nothing published is ever waiting. */
  idle(): Promise<void> {
    return Promise.resolve();
  }

  /** How many listeners a team has (for tests and health). */
  listenerCount(teamId: string): number {
    return this.#topics.get(teamId)?.size ?? 0;
  }
}
