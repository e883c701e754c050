/** Limits on a message, shared by validation and the composer. */
export const MAX_RECIPIENTS = 50;
export const MAX_BODY_BYTES = 512 * 1024;
