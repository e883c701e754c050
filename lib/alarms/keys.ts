/** Every KV key of the alarms area, written once. */
const t = (teamId: string) => ["team", teamId] as const;

export const alarmKeys = {
  alarm: (teamId: string, id: string) => [...t(teamId), "alarm", id],
  byMessage: (teamId: string, messageId: string, id?: string) =>
    id ? [...t(teamId), "alarm_by_message", messageId, id] : [...t(teamId), "alarm_by_message", messageId],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
