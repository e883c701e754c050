/** Limits on a message, shared by validation and the composer. */
export const MAX_RECIPIENTS = 50;
/**
 * A body's size as stored: sanitized HTML in UTF-8 bytes. It and its record go to KV in one commit, which takes at
 * most 800 KiB; text in most scripts other than Latin takes 2–3 bytes a character (4 for an emoji).
 */
export const MAX_BODY_BYTES = 512 * 1024;

/** Why a (sanitized) body is too large to store, naming its size; null when it fits. */
export function bodySizeProblem(html: string, what: "message" | "template"): string | null {
  const bytes = new TextEncoder().encode(html).byteLength;
  if (bytes <= MAX_BODY_BYTES) return null;
  return `The ${what} is too long: ${Math.ceil(bytes / 1024).toLocaleString("en")} KB, 512 KB at most.`;
}
/** Subjects, in UTF-16 code units: what zod's `max` and an input's `maxlength` both count. */
export const MAX_SUBJECT_CHARS = 300;
