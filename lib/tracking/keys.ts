/** Every KV key of engagement tracking, written once. */
const t = (teamId: string) => ["team", teamId] as const;

export const trackingKeys = {
  /**
   * Event entries (event_log.ts), ordered by time within the message: one message's, or with no
   * message, all of a team's.
   */
  event: (teamId: string, messageId?: string, eventId?: string) =>
    messageId === undefined
      ? [...t(teamId), "event"]
      : eventId
      ? [...t(teamId), "event", messageId, eventId]
      : [...t(teamId), "event", messageId],
  /** Counters and "last opened", kept in the same commit as the events. */
  stats: (teamId: string, messageId: string) => [...t(teamId), "message_stats", messageId],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;

/** The team and message an event entry's key (`trackingKeys.event`) belongs to. */
export const eventKeyIds = (key: Deno.KvKey) => ({ teamId: key[1] as string, messageId: key[3] as string });
