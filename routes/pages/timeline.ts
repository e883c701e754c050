/** Builds the timeline of a contact or company: its messages with their latest events. */
import { userNames } from "../../lib/accounts/users.ts";
import { listEvents, listMessagesFor } from "../../lib/messages/list.ts";
import { toRow } from "../../lib/messages/rows.ts";
import { publicEvent } from "../../lib/tracking/types.ts";
import type { TimelineItem } from "../../islands/message_timeline.tsx";

export async function timelineItems(
  kv: Deno.Kv,
  teamId: string,
  record: { type: "contact" | "company"; id: string },
): Promise<TimelineItem[]> {
  const messages = (await listMessagesFor(kv, teamId, record)).filter((m) => m.message.status !== "draft");
  const names = await userNames(kv, messages.map((m) => m.message.senderId));
  return await Promise.all(messages.map(async ({ message, stats }) => ({
    row: toRow(message, stats, names[message.senderId] ?? "a former member"),
    events: (await listEvents(kv, teamId, message.id, { limit: 5 })).map(publicEvent),
    attachmentNames: (message.attachments ?? []).map((a) => a.filename),
  })));
}
