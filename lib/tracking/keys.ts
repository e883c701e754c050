/** Every KV key of engagement tracking, written once. */
const t = (teamId: string) => ["team", teamId] as const;

export const trackingKeys = {
  /** One key per event, ordered by time within the message. */
  event: (teamId: string, messageId: string, eventId?: string) =>
    eventId ? [...t(teamId), "event", messageId, eventId] : [...t(teamId), "event", messageId],
  /** Counters and "last opened", kept in the same commit as the events. */
  stats: (teamId: string, messageId: string) => [...t(teamId), "message_stats", messageId],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
