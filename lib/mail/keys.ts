/** Every KV key of the mail area (the embedded outbox), written once. */
const t = (teamId: string) => ["team", teamId] as const;

export const mailKeys = {
  outbox: (teamId: string, id?: string) => id ? [...t(teamId), "outbox", id] : [...t(teamId), "outbox"],
  outboxBody: (teamId: string, id: string) => [...t(teamId), "outbox_body", id],
  outboxAttachment: (teamId: string, id: string, index: number) => [
    ...t(teamId),
    "outbox_attachment",
    id,
    index,
  ],
  outboxByKey: (teamId: string, idempotencyKey: string) => [...t(teamId), "outbox_by_key", idempotencyKey],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
