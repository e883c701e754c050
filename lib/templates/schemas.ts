/** Template inputs: one zod schema each, used by the API (and its OpenAPI document) and the data module. */
import { z } from "@hono/zod-openapi";
import { htmlToPlainText } from "../messages/render.ts";
import { MAX_BODY_BYTES, MAX_SUBJECT_CHARS } from "../messages/schemas.ts";
import { nameField, typedText } from "../validation/fields.ts";
import { parseTemplate, validateTemplate } from "./merge.ts";

const scopeField = z.enum(["team", "personal"], { error: "Choose team or personal." });

/** Merge-field mistakes are field errors, worded as the editor shows them while typing. */
const subjectField = typedText({ error: "Add a subject." })
  .min(1, "Add a subject.")
  .max(MAX_SUBJECT_CHARS, `Subjects are at most ${MAX_SUBJECT_CHARS} characters.`)
  .superRefine((subject, ctx) => {
    const errors = parseTemplate(subject).errors;
    if (errors.length) {
      ctx.addIssue({
        code: "custom",
        message: [...new Set(errors.map((e) => e.message))].join(" "),
      });
    }
  });
const htmlField = z.string({ error: "Write the template's text." })
  .max(MAX_BODY_BYTES, "The template is too long (512 KB at most).")
  .superRefine((html, ctx) => {
    if (htmlToPlainText(html).trim() === "") {
      ctx.addIssue({ code: "custom", message: "Write the template's text." });
      return;
    }
    const message = validateTemplate("", html).html;
    if (message) ctx.addIssue({ code: "custom", message });
  });

const nameOf = nameField("a name", 120);
const categoryField = typedText().max(40, "At most 40 characters.").openapi({ example: "Follow-up" });
const subject = subjectField.openapi({ example: 'Quick question, {{contact.first_name | "there"}}' });
const html = htmlField.openapi({
  description: "The body as HTML (sanitized when stored); merge fields in double braces",
  example: "<p>Hi {{contact.first_name}}, …</p><p>{{sender.name}}</p>",
});

export const TemplateInput = z.object({
  name: nameOf,
  category: categoryField.optional().default(""),
  scope: scopeField.default("team").openapi({
    description: "team: every member sees it; personal: only you do",
  }),
  subject,
  html,
}).openapi("TemplateInput");
export type TemplateInput = z.output<typeof TemplateInput>;

/** Only what is given changes (no defaults here: a missing field is left as it is). */
export const TemplatePatch = z.object({
  name: nameOf.optional(),
  category: categoryField.optional(),
  scope: scopeField.optional(),
  subject: subject.optional(),
  html: html.optional(),
  baseVersion: z.number().int().positive().optional().openapi({
    description:
      "The version the edit started from; a newer current version is a 409 instead of an overwrite",
  }),
}).openapi("TemplatePatch");
export type TemplatePatch = z.output<typeof TemplatePatch>;

export const DuplicateInput = z.object({
  name: nameField("a name", 120).optional(),
  scope: scopeField.optional(),
}).openapi("TemplateDuplicateInput");

export const ArchiveInput = z.object({ archived: z.boolean() }).openapi("TemplateArchiveInput");
export const LockInput = z.object({ locked: z.boolean() }).openapi("TemplateLockInput");

export const PreviewInput = z.object({
  contactId: z.string().nullable().optional().openapi({
    description: "The contact to fill contact fields from; none: contact fields use their fallbacks",
  }),
  version: z.number().int().positive().optional().openapi({ description: "An older version (saved only)" }),
  subject: z.string().max(MAX_SUBJECT_CHARS).optional().openapi({
    description: "Unsaved subject to preview",
  }),
  html: z.string().max(MAX_BODY_BYTES).optional().openapi({ description: "Unsaved body to preview" }),
}).openapi("TemplatePreviewInput");
export type PreviewInput = z.output<typeof PreviewInput>;

export const RenderInput = z.object({
  messageId: z.string().optional().openapi({
    description: "The draft being written (its recipient, sender)",
  }),
  contactId: z.string().optional().openapi({ description: "Or: the contact it is for" }),
}).openapi("TemplateRenderInput");
export type RenderInput = z.output<typeof RenderInput>;
