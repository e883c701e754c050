/** Limits on a message, shared by validation and the composer. */
export const MAX_RECIPIENTS = 50;
export const MAX_BODY_BYTES = 512 * 1024;
/** Subjects, in UTF-16 code units: what zod's `max` and an input's `maxlength` both count. */
export const MAX_SUBJECT_CHARS = 300;
