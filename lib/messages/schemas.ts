import { z } from "@hono/zod-openapi";
import { emailField, typedText } from "../validation/fields.ts";

import { MAX_BODY_BYTES, MAX_RECIPIENTS, MAX_SUBJECT_CHARS } from "./limits.ts";
import { MAX_ID_LENGTH } from "../storage/ids.ts";

export { MAX_BODY_BYTES, MAX_RECIPIENTS, MAX_SUBJECT_CHARS };

const recipients = (label: string) =>
  z.array(emailField, { error: `${label} must be a list of email addresses.` }).max(
    MAX_RECIPIENTS,
    `At most ${MAX_RECIPIENTS} addresses in ${label}.`,
  )
    .transform((list) => [...new Set(list)]);

/** A draft as the composer saves it; every field optional on update. */
export const DraftInput = z.object({
  to: recipients("To").default([]),
  cc: recipients("Cc").default([]),
  bcc: recipients("Bcc").default([]),
  subject: typedText().max(MAX_SUBJECT_CHARS, `Subjects are at most ${MAX_SUBJECT_CHARS} characters.`)
    .default(""),
  html: z.string().max(MAX_BODY_BYTES, "The message is too long (512 KB at most).").default(""),
  regarding: z.object({
    type: z.enum(["contact", "company"]),
    id: z.string(),
  }).nullable().default(null),
  followWanted: z.boolean().optional(),
  sendIndividually: z.boolean().default(false),
  template: z.object({ id: z.string().max(MAX_ID_LENGTH), version: z.number().int().positive() }).nullable()
    .default(
      null,
    )
    .openapi({ description: "The template (and version) the email was written from" }),
}).openapi("DraftInput");
export type DraftInput = z.output<typeof DraftInput>;
