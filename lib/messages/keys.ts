/** Every KV key of the messages area, written once. */
const t = (teamId: string) => ["team", teamId] as const;

export const messageKeys = {
  message: (teamId: string, id?: string) => id ? [...t(teamId), "message", id] : [...t(teamId), "message"],
  body: (teamId: string, id: string) => [...t(teamId), "message_body", id],
  /** The team's listed messages by list key (`listing.ts`), and the same per sender, contact and company. */
  listed: (teamId: string, listKey?: string) =>
    listKey ? [...t(teamId), "message_listed", listKey] : [...t(teamId), "message_listed"],
  bySender: (teamId: string, senderId: string, listKey?: string) =>
    listKey
      ? [...t(teamId), "message_by_sender", senderId, listKey]
      : [...t(teamId), "message_by_sender", senderId],
  /** The sender's messages that are drafts now: set when one becomes a draft, deleted when it stops being one. */
  draftBySender: (teamId: string, senderId: string, id?: string) =>
    id ? [...t(teamId), "draft_by_sender", senderId, id] : [...t(teamId), "draft_by_sender", senderId],
  /** A sender's draft by the key its composer page created it with (`createDraftOnce`); expires after a week. */
  draftByKey: (
    teamId: string,
    senderId: string,
    key: string,
  ) => [...t(teamId), "draft_by_key", senderId, key],
  /** What a send with an Idempotency-Key queued: the draft and its copies (expires, see send.ts). */
  sentByKey: (teamId: string, senderId: string, key: string) => [...t(teamId), "sent_by_key", senderId, key],
  byContact: (teamId: string, contactId: string, listKey?: string) =>
    listKey
      ? [...t(teamId), "message_by_contact", contactId, listKey]
      : [...t(teamId), "message_by_contact", contactId],
  byCompany: (teamId: string, companyId: string, listKey?: string) =>
    listKey
      ? [...t(teamId), "message_by_company", companyId, listKey]
      : [...t(teamId), "message_by_company", companyId],
  /** Global: set once the emails stored before list keys were put on the team lists (`listOlderMessages`). */
  olderListed: () => ["config", "older_messages_listed"],
  /** Global: the RFC 822 Message-ID of a sent copy → its team and message (for matching replies). */
  byRfcId: (rfcMessageId: string) => ["message_by_rfc_id", rfcMessageId],
  /** Global: the provider's id of a sent copy → its team and message (for delivery webhooks). */
  byProviderId: (providerId: string) => ["message_by_provider_id", providerId],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
