import type { LiveEvent, LiveListener, Realtime } from "./realtime.ts";

/** The embedded Realtime adapter: listeners per team, in this process. */
export class LocalHub implements Realtime {
  readonly name = "local" as const;
  #topics = new Map<string, Set<LiveListener>>();

  publish(event: LiveEvent): Promise<void> {
    for (const listener of this.#topics.get(event.teamId) ?? []) {
      try {
        listener(event);
      } catch (error) {
        console.error("realtime listener failed", error);
      }
    }
    return Promise.resolve();
  }

  subscribe(teamId: string, listener: LiveListener): () => void {
    let set = this.#topics.get(teamId);
    if (!set) this.#topics.set(teamId, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#topics.delete(teamId);
    };
  }

  /** How many listeners a team has (for tests and health). */
  listenerCount(teamId: string): number {
    return this.#topics.get(teamId)?.size ?? 0;
  }
}
