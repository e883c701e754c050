/** Every KV key of the assistant area (cards, tasks, notification preferences), written once. */
const t = (teamId: string) => ["team", teamId] as const;

export const assistantKeys = {
  card: (teamId: string, id?: string) => id ? [...t(teamId), "card", id] : [...t(teamId), "card"],
  cardByUser: (teamId: string, userId: string, id?: string) =>
    id ? [...t(teamId), "card_by_user", userId, id] : [...t(teamId), "card_by_user", userId],
  /** Guards one-time cards ("email opened" once per message and user). */
  cardOnce: (teamId: string, kind: string, messageId: string, userId: string) => [
    ...t(teamId),
    "card_once",
    kind,
    messageId,
    userId,
  ],
  task: (teamId: string, id?: string) => id ? [...t(teamId), "task", id] : [...t(teamId), "task"],
  taskByUser: (teamId: string, userId: string, id?: string) =>
    id ? [...t(teamId), "task_by_user", userId, id] : [...t(teamId), "task_by_user", userId],
  /** The seller's tasks not done yet: set when one is planned or undone, deleted when it is done. */
  openTaskByUser: (teamId: string, userId: string, id?: string) =>
    id ? [...t(teamId), "open_task_by_user", userId, id] : [...t(teamId), "open_task_by_user", userId],
  taskByContact: (teamId: string, contactId: string, id?: string) =>
    id ? [...t(teamId), "task_by_contact", contactId, id] : [...t(teamId), "task_by_contact", contactId],
  notifyPrefs: (teamId: string, userId: string) => [...t(teamId), "notify_prefs", userId],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
