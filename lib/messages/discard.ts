/**
 * Discarding a draft takes what hangs on it in the same commit: its indexes, its body, its alarms (and their
 * wake-ups) and its hold on each of its files; the live event that tells its sender's other pages goes in it too.
 * A file is deleted after the commit once no other message carries it (a copy of "send individually" made a
 * draft again shares its files with the other copies).
 */
import { alarmKeys } from "../alarms/keys.ts";
import type { Alarm } from "../alarms/types.ts";
import { type AttachmentDeps, deleteIfUnused } from "../attachments/attachments.ts";
import { attachmentKeys } from "../attachments/keys.ts";
import { removeJob } from "../scheduler/scheduler.ts";
import { deleteChunks } from "../storage/chunks.ts";
import { commitOrConflict, getValues, listValues } from "../storage/kv.ts";
import { draftEvent, editableDraft, type Viewer } from "./drafts.ts";
import { addToFeed } from "../realtime/feed.ts";
import type { LiveEvent } from "../realtime/realtime.ts";
import { messageKeys as keys } from "./keys.ts";

export async function discardDraft(
  deps: Pick<AttachmentDeps, "kv" | "blobs">,
  viewer: Viewer,
  id: string,
  now: number,
): Promise<LiveEvent> {
  const { kv } = deps;
  const entry = await editableDraft(kv, viewer, id);
  const { teamId, senderId, bodyChunks, attachments = [] } = entry.value;
  const op = kv.atomic().check(entry).delete(entry.key)
    .delete(keys.bySender(teamId, senderId, id))
    .delete(keys.draftBySender(teamId, senderId, id));
  deleteChunks(op, keys.body(teamId, id), bodyChunks);

  const alarmIds = await listValues<string>(kv, { prefix: alarmKeys.byMessage(teamId, id) });
  for (const alarm of await getValues<Alarm>(kv, alarmIds.map((a) => alarmKeys.alarm(teamId, a)))) {
    if (!alarm) continue;
    op.delete(alarmKeys.alarm(teamId, alarm.id)).delete(alarmKeys.byMessage(teamId, id, alarm.id));
    if (alarm.job && alarm.status === "pending") removeJob(op, alarm.job);
  }

  // Files uploaded before messages were recorded per file have no entry: they are kept, as they may be shared.
  const holdKeys = attachments.map((file) => attachmentKeys.messageByBlob(teamId, file.blobId, id));
  const holds = await getValues<string>(kv, holdKeys);
  for (const key of holdKeys) op.delete(key);
  // The sender's other pages: their Activity drops it from "Your drafts".
  const event = draftEvent(entry.value, "discarded", now);
  addToFeed(op, event);
  await commitOrConflict(op, "This draft was changed in another window. Reload to see the latest version.");
  for (const [i, file] of attachments.entries()) {
    if (holds[i]) await deleteIfUnused(deps, teamId, file.blobId);
  }
  return event;
}
