/**
 * The Realtime port: events are published after commit to a per-team topic.
 * Embedded default: an in-process hub that pages reach through Server-Sent Events.
 * Production across instances: Supabase Realtime broadcast.
 */

export interface LiveEvent {
  /** A ULID; pages remember the last one they saw and catch up from it on reconnect. */
  id: string;
  teamId: string;
  type: string;
  /** Set when the event concerns one user only (their cards, their alerts). */
  userId?: string;
  data: Record<string, unknown>;
  at: number;
}

export type LiveListener = (event: LiveEvent) => void;

/**
 * How many missed events a page catches up on, by the stream's replay or through /api/feed; a page
 * away longer than that (a tab hidden all day in a busy team) says it missed some, and a reload
 * shows the latest.
 */
export const MAX_CATCH_UP = 2_000;

/**
 * How often an idle SSE stream says it is alive (a `ping` event, also told to the page in `ready`):
 * the page reopens a stream that has been silent for a few of them (a connection lost without the
 * browser noticing), and proxies don't time it out.
 */
export const HEARTBEAT_MS = 20_000;

export interface Realtime {
  readonly name: "local" | "supabase";
  /** Publishes an event that is already committed; never throws into the caller's request. */
  publish(event: LiveEvent): Promise<void>;
  /**
   * In-process subscription (the embedded hub); adapters that deliver to browsers directly return null.
   * `onEnd` is called if the adapter ends the subscription itself (it is shutting down).
   */
  subscribe(teamId: string, listener: LiveListener, onEnd?: () => void): (() => void) | null;
  /** Shutting down: ends the in-process subscriptions (their `onEnd` runs). Publishing goes on. */
  close(): void;
  /** Resolves when what was published so far has left this process, or been given up on. */
  idle(): Promise<void>;
}
