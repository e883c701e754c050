/** Every KV key of inbound mail, written once. */
const t = (teamId: string) => ["team", teamId] as const;

export const inboundKeys = {
  mail: (teamId: string, id?: string) => id ? [...t(teamId), "inbound", id] : [...t(teamId), "inbound"],
  unmatched: (teamId: string, id?: string) =>
    id ? [...t(teamId), "inbound_unmatched", id] : [...t(teamId), "inbound_unmatched"],
  /** The inbound Message-ID, so a retried delivery of the same mail is recorded once. */
  byRfcId: (teamId: string, rfcId: string) => [...t(teamId), "inbound_by_rfc", rfcId],
  /** Global: provider webhook ids already handled (Svix ids), kept a week. */
  seenWebhook: (id: string) => ["webhook_seen", id],
  /** Global: mail no team could be found for, kept 30 days for the operator. */
  unrouted: (id: string) => ["inbound_unrouted", id],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
