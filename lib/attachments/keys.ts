/** Every KV key of the attachments area, written once. All begin with the team. */
const t = (teamId: string) => ["team", teamId] as const;

export const attachmentKeys = {
  /**
   * The messages that carry a file: the draft it was uploaded to and the copies "send individually" made of it,
   * which share it. The file is deleted when the last of them lets it go.
   */
  messageByBlob: (teamId: string, blobId: string, messageId?: string) =>
    messageId
      ? [...t(teamId), "message_by_blob", blobId, messageId]
      : [...t(teamId), "message_by_blob", blobId],
} satisfies Record<string, (...args: never[]) => Deno.KvKey>;
