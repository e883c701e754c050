/**
 * Attachments on drafts: upload (streamed into the blob store, within the size limits),
 * follow or not, remove. Only the sender changes a draft's files.
 */
import { lookup } from "mime-types";
import { editableDraft, type Viewer } from "../messages/drafts.ts";
import type { Message, MessageAttachment } from "../messages/types.ts";
import type { Scheduler } from "../scheduler/scheduler.ts";
import type { BlobStore } from "../storage/blobs.ts";
import { newId } from "../storage/ids.ts";
import { commitOrConflict } from "../storage/kv.ts";
import { AppError, invalid, notFound } from "../http/errors.ts";
import { formatBytes, safeFilename } from "./files.ts";
import { attachmentKeys as keys } from "./keys.ts";

const EMPTY_FILE = "The file is empty: choose one with something in it.";

export const BLOB_CLEANUP_JOB = "blob_cleanup";
/** An upload that hasn't completed within this long is removed. */
export const UPLOAD_TIMEOUT_MS = 3600_000;

export interface AttachmentDeps {
  kv: Deno.Kv;
  blobs: BlobStore;
  scheduler: Scheduler;
  limits: { maxFileBytes: number; maxMessageBytes: number };
  followByDefault: boolean;
}

/** Content-Types that say nothing about the file: what a tool sends when it wasn't told (curl's form default). */
const NO_TYPE = new Set([
  "",
  "application/octet-stream",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
]);

/**
 * A file's type: the one it was sent with, or, where that says nothing, the one its name's extension
 * stands for (`proposal.pdf`: application/pdf), so it is shown and served as what it is.
 */
export function uploadedType(declared: string, filename: string): string {
  const type = declared.split(";")[0].trim().toLowerCase();
  if (!NO_TYPE.has(type)) return type;
  return lookup(filename) || "application/octet-stream";
}

export async function uploadAttachment(
  deps: AttachmentDeps,
  viewer: Viewer,
  messageId: string,
  file: { filename: string; contentType: string; declaredSize: number | null },
  body: ReadableStream<Uint8Array>,
  now: number,
): Promise<MessageAttachment> {
  const { kv, blobs, scheduler, limits } = deps;
  if (file.declaredSize === 0) throw invalid({ file: EMPTY_FILE });
  const draft = (await editableDraft(kv, viewer, messageId)).value;
  const used = (draft.attachments ?? []).reduce((n, a) => n + a.size, 0);
  const room = Math.min(limits.maxFileBytes, limits.maxMessageBytes - used);
  if (room <= 0 || (file.declaredSize !== null && file.declaredSize > room)) {
    const tooBig = file.declaredSize !== null && file.declaredSize > limits.maxFileBytes;
    throw new AppError(
      413,
      "too_large",
      tooBig
        ? `Files can be at most ${formatBytes(limits.maxFileBytes)}.`
        : `Attachments on one email can total at most ${formatBytes(limits.maxMessageBytes)}.`,
    );
  }
  // The clean-up job is scheduled first, so an upload that dies half-way is removed later.
  const blobId = newId(now);
  const op = kv.atomic();
  scheduler.add(op, {
    kind: BLOB_CLEANUP_JOB,
    teamId: viewer.team.id,
    payload: { blobId },
    dueAt: now + UPLOAD_TIMEOUT_MS,
    now,
  });
  await op.commit();
  const filename = safeFilename(file.filename);
  const contentType = uploadedType(file.contentType, filename);
  const meta = await blobs.put(viewer.team.id, { filename, contentType }, body, {
    maxBytes: room,
    now,
    id: blobId,
  })
    .catch((error) => {
      if (!(error instanceof AppError) || error.status !== 413) throw error;
      throw new AppError(
        413,
        "too_large",
        room < limits.maxFileBytes
          ? `Attachments on one email can total at most ${formatBytes(limits.maxMessageBytes)}; ` +
            `${formatBytes(room)} is left.`
          : `Files can be at most ${formatBytes(limits.maxFileBytes)}.`,
      );
    });
  if (meta.size === 0) {
    await blobs.delete(viewer.team.id, meta.id);
    throw invalid({ file: EMPTY_FILE });
  }
  const attachment: MessageAttachment = {
    blobId: meta.id,
    filename,
    contentType,
    size: meta.size,
    followed: deps.followByDefault,
  };
  for (;;) {
    const entry = await editableDraft(kv, viewer, messageId).catch(async (error) => {
      await blobs.delete(viewer.team.id, meta.id);
      throw error;
    });
    const total = (entry.value.attachments ?? []).reduce((n, a) => n + a.size, 0) + meta.size;
    if (total > limits.maxMessageBytes) {
      await blobs.delete(viewer.team.id, meta.id);
      throw new AppError(
        413,
        "too_large",
        `Attachments on one email can total at most ${formatBytes(limits.maxMessageBytes)}.`,
      );
    }
    const next = {
      ...entry.value,
      attachments: [...(entry.value.attachments ?? []), attachment],
      updatedAt: now,
    };
    const op = kv.atomic().check(entry).set(entry.key, next)
      .set(keys.messageByBlob(viewer.team.id, meta.id, messageId), messageId);
    if ((await op.commit()).ok) return attachment;
  }
}

async function changeAttachments(
  kv: Deno.Kv,
  viewer: Viewer,
  messageId: string,
  change: (list: MessageAttachment[]) => MessageAttachment[],
  now: number,
  op = kv.atomic(),
) {
  const entry = await editableDraft(kv, viewer, messageId);
  const next = { ...entry.value, attachments: change(entry.value.attachments ?? []), updatedAt: now };
  await commitOrConflict(op.check(entry).set(entry.key, next));
  return next.attachments;
}

export async function setAttachmentFollowed(
  kv: Deno.Kv,
  viewer: Viewer,
  messageId: string,
  blobId: string,
  followed: boolean,
  now: number,
) {
  const list = await changeAttachments(kv, viewer, messageId, (all) => {
    if (!all.some((a) => a.blobId === blobId)) throw notFound("No such attachment on this draft.");
    return all.map((a) => a.blobId === blobId ? { ...a, followed } : a);
  }, now);
  return list.find((a) => a.blobId === blobId)!;
}

/**
 * Takes a file off a draft. The file itself is deleted only when no other message carries it: a copy of
 * "send individually" made a draft again shares its files with the other copies.
 */
export async function removeAttachment(
  deps: Pick<AttachmentDeps, "kv" | "blobs">,
  viewer: Viewer,
  messageId: string,
  blobId: string,
  now: number,
): Promise<void> {
  const { kv } = deps;
  const teamId = viewer.team.id;
  const own = await kv.get(keys.messageByBlob(teamId, blobId, messageId));
  await changeAttachments(
    kv,
    viewer,
    messageId,
    (all) => {
      if (!all.some((a) => a.blobId === blobId)) throw notFound("No such attachment on this draft.");
      return all.filter((a) => a.blobId !== blobId);
    },
    now,
    kv.atomic().check(own).delete(own.key),
  );
  // A file uploaded before messages were recorded per file has no entry: it is kept, as it may be shared.
  if (own.value) await deleteIfUnused(deps, teamId, blobId);
}

/** Deletes a file once no message carries it (call after the commit that let it go). */
export async function deleteIfUnused(
  { kv, blobs }: Pick<AttachmentDeps, "kv" | "blobs">,
  teamId: string,
  blobId: string,
): Promise<void> {
  for await (const _ of kv.list({ prefix: keys.messageByBlob(teamId, blobId) }, { limit: 1 })) return;
  await blobs.delete(teamId, blobId);
}

/** Adds to `op` that the copies "send individually" made carry their draft's files too. */
export function shareAttachments(op: Deno.AtomicOperation, copies: Message[]): void {
  for (const copy of copies) {
    for (const file of copy.attachments ?? []) {
      op.set(keys.messageByBlob(copy.teamId, file.blobId, copy.id), copy.id);
    }
  }
}
